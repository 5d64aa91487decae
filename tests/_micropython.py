"""Run Python source on MicroPython (the npm WebAssembly build) under Node.

The lite runtime differs from CPython where it bites (dict order, a small standard
library), so engine tests run their cases there too, without a browser.
"""
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "oracles" / "micropython.mjs"


def run_micropython(code: str, timeout: float = 120) -> str:
    """Run `code` with `oneflow_web` importable; return its stdout or raise with stderr."""
    done = subprocess.run(
        ["node", str(RUNNER), str(ROOT / "src")],
        input=code, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )
    if done.returncode != 0:
        raise AssertionError("MicroPython failed:\n" + done.stderr + "\n" + done.stdout)
    return done.stdout

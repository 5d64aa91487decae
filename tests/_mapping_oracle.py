"""Ask Segment's own mapping-kit (tests/oracles/mapping.mjs, under Node) for answers."""
import json
import pathlib
import subprocess

ORACLE = pathlib.Path(__file__).resolve().parent / "oracles" / "mapping.mjs"


def oracle(cases: list) -> list:
    """Run [{"mapping": ..., "data": ...}, ...] through mapping-kit's transform in one
    Node process; each answer is {"ok": True, "output": ...} or {"ok": False, "error": ...}."""
    done = subprocess.run(
        ["node", str(ORACLE)], input=json.dumps(cases), capture_output=True,
        text=True, timeout=120, cwd=ORACLE.parent,
    )
    if done.returncode != 0:
        raise AssertionError("mapping oracle failed:\n" + done.stderr)
    return json.loads(done.stdout)

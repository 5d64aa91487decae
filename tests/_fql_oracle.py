"""Segment's own trigger engine, `@segment/destination-subscriptions` under Node, as the reference
our triggers are tested against. One Node process answers a whole batch of cases."""
import json
import pathlib
import subprocess

ORACLES = pathlib.Path(__file__).resolve().parent / "oracles"


def _run(script: str, cases: list, timeout: float) -> list:
    done = subprocess.run(["node", str(ORACLES / script)], input=json.dumps(cases), capture_output=True,
                          text=True, timeout=timeout, cwd=ORACLES)
    if done.returncode != 0:
        raise AssertionError("the oracle %s failed:\n%s" % (script, done.stderr))
    return json.loads(done.stdout)


def segment(cases: list, timeout: float = 60) -> list:
    """[{"subscribe": str, "event": dict}] -> one answer per case: {"ok": False} (refused),
    {"ok": True, "matches": bool}, or {"ok": True, "throws": str} (validate crashed)."""
    return _run("fql.mjs", cases, timeout)


def builder(cases: list, timeout: float = 60) -> list:
    """[{"tree": condition tree, "events": [...]}] -> [{"fql": the text Segment's trigger builder
    writes for the tree (generateFql), "answers": validate(tree, event) for each event}]."""
    return _run("fql_tree.mjs", cases, timeout)

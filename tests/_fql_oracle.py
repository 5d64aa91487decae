"""Segment's own trigger engine, `@segment/destination-subscriptions` under Node, as the reference
our triggers are tested against. One Node process answers a whole batch of cases."""
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oracles" / "fql.mjs"


def segment(cases: list, timeout: float = 60) -> list:
    """[{"subscribe": str, "event": dict}] -> one answer per case: {"ok": False} (refused),
    {"ok": True, "matches": bool}, or {"ok": True, "throws": str} (validate crashed)."""
    done = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(cases), capture_output=True, text=True,
        timeout=timeout, cwd=ROOT,
    )
    if done.returncode != 0:
        raise AssertionError("the FQL oracle failed:\n" + done.stderr)
    return json.loads(done.stdout)


BUILDER_SCRIPT = ROOT / "tests" / "oracles" / "fql_tree.mjs"


def builder(cases: list, timeout: float = 60) -> list:
    """[{"tree": condition tree, "events": [...]}] -> [{"fql": the text Segment's trigger builder
    writes for the tree (generateFql), "answers": validate(tree, event) for each event}]."""
    done = subprocess.run(
        ["node", str(BUILDER_SCRIPT)], input=json.dumps(cases), capture_output=True, text=True,
        timeout=timeout, cwd=ROOT,
    )
    if done.returncode != 0:
        raise AssertionError("the trigger builder oracle failed:\n" + done.stderr)
    return json.loads(done.stdout)

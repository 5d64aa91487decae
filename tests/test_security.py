"""What we ship never evaluates strings as code or builds HTML from data."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHIPPED = sorted(ROOT.glob("static/**/*.js")) + sorted(ROOT.glob("static/**/*.mjs")) + \
    sorted(ROOT.glob("src/oneflow_web/*.py"))
FORBIDDEN = re.compile(r"\beval\s*\(|new\s+Function\b|\bFunction\s*\(|innerHTML|outerHTML|insertAdjacentHTML|"
                       r"document\.write|setTimeout\s*\(\s*['\"]|\.eval\b")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_eval_function_constructor_or_html_from_strings(path):
    found = [(number, line.strip()) for number, line in enumerate(path.read_text().splitlines(), 1)
             if FORBIDDEN.search(line)]
    assert found == []


def test_the_scan_covers_the_loader_and_the_bridge():
    names = {path.name for path in SHIPPED}
    assert {"hub.js", "plugin.js", "bridge.py", "worker.py"} <= names


def test_the_scan_would_catch_each_forbidden_form():
    for sample in ["eval('1')", "new Function('x')", "el.innerHTML = s", "window.eval", "setTimeout('code')"]:
        assert FORBIDDEN.search(sample), sample

"""Pyodide's lean standard library: what the page imports is there, and an import of anything else says why it fails."""
import json
import zipfile

import pytest

import build

PYODIDE_PAGE = """<!doctype html><html><head><script type="module" src="%(assets)spyscript/core.js"></script>
<script type="py" config='%(config)s'>
from pyscript import window
try:
    import xml.dom.minidom
    window.leanImport = "imported"
except ModuleNotFoundError as error:
    window.leanImport = str(error)
</script></head><body></body></html>"""


def lean_zip() -> zipfile.ZipFile:
    return zipfile.ZipFile(build.DIST / "pyodide" / "python_stdlib.zip")


def test_the_lean_zip_holds_compiled_code_for_every_listed_module_and_a_sitecustomize():
    names = set(lean_zip().namelist())
    assert "sitecustomize.py" in names and "json/__init__.pyc" in names and "asyncio/tasks.pyc" in names
    assert [name for name in names if name.endswith(".py")] == ["sitecustomize.py"]
    assert len(names) <= len(build.LEAN_STDLIB) + 1


def test_the_lean_zip_leaves_out_what_the_page_never_imports():
    names = set(lean_zip().namelist())
    assert not [name for name in names if name.split("/")[0] in ("xml", "email", "unittest", "multiprocessing")]


def test_the_lean_zip_holds_no_docstrings():
    assert b"Implementation of JSONDecoder" in zipfile.ZipFile(
        build.NODE_MODULES / "pyodide" / "python_stdlib.zip").read("json/decoder.py")
    assert b"Implementation of JSONDecoder" not in lean_zip().read("json/decoder.pyc")


@pytest.mark.browser
def test_an_import_outside_the_lean_stdlib_fails_clearly_in_the_browser(site, page):
    config = json.dumps({"interpreter": site.assets + "pyodide/pyodide.mjs", "plugins": ["!error"]})
    page.goto(site.page(PYODIDE_PAGE % {"assets": site.assets, "config": config}))
    page.wait_for_function("window.leanImport", timeout=60000)
    text = page.evaluate("window.leanImport")
    assert text.startswith("No module named 'xml': oneflow-web serves Pyodide with a lean standard library")
    assert "add 'xml' to LEAN_STDLIB in build.py" in text

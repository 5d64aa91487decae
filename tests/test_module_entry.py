"""The ES-module entry for bundlers (dist/esm/oneflow-web.mjs, the npm package's index.js), imported from the
installed package under Node as a server rendering the page would: nothing runs at import time, and the
factory is made without a page."""
import json
import re
import subprocess

# Every global a page has and Node does not (or, for navigator, need not): each read is recorded.
IMPORT_UNDER_NODE = """
const touched = [];
for (const name of ['window', 'document', 'navigator', 'location', 'localStorage', 'self', 'customElements']) {
  Object.defineProperty(globalThis, name, {configurable: true, get() { touched.push(name); return undefined; }});
}
const result = {};
const module = await import('oneflow-web');
result.exports = Object.keys(module);
result.type = typeof module.oneflowDestination;
for (const options of [undefined, {}, {assetsUrl: ''}, {projectApiKey: 'k'}]) {
  try {
    module.oneflowDestination(options);
    (result.missing = result.missing || []).push('no error');
  } catch (error) {
    (result.missing = result.missing || []).push(error instanceof Error ? error.message : 'not an Error: ' + error);
  }
}
const factory = module.oneflowDestination({assetsUrl: '/oneflow/', projectApiKey: 'k', runtime: 'pyodide'});
result.factory = typeof factory;
result.pluginName = factory.pluginName;
result.touched = touched;
console.log(JSON.stringify(result));
"""


def import_under_node(npm_app) -> dict:
    """IMPORT_UNDER_NODE's findings, run in the app that installed the package."""
    done = subprocess.run(["node", "--input-type=module"], input=IMPORT_UNDER_NODE, cwd=npm_app.folder,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_package_imports_under_node_and_makes_a_factory_without_touching_a_page(npm_app):
    result = import_under_node(npm_app)
    assert result["exports"] == ["oneflowDestination"] and result["type"] == "function"
    assert result["factory"] == "function" and result["pluginName"] == "1Flow Web (Actions)"
    assert result["touched"] == []


def test_calling_it_without_assets_url_is_a_clear_error(npm_app):
    for message in import_under_node(npm_app)["missing"]:
        assert message.startswith("[1Flow Web (Actions)] oneflowDestination() needs `assetsUrl`: the URL where your site "
                                  "serves oneflow-web's runtime files (the npm package's assets/ folder"), message
        assert "assetsUrl: '/oneflow/%s/'" % npm_app.manifest["version"] in message


def test_pyscript_is_only_ever_imported_at_run_time_with_the_comments_bundlers_read(npm_app):
    source = (npm_app.package / "index.js").read_text()
    assert not re.search(r"^\s*import\s[^(]", source, re.M), "a static import: bundlers would follow it"
    calls = re.findall(r"import\((.*?)\)", source, re.S)
    assert calls and all("/* webpackIgnore: true */" in call and "/* @vite-ignore */" in call for call in calls), calls

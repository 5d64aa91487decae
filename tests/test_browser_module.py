"""The npm package (`python3 build.py pack`'s tarball, its runtime files served from its assets/) in an app
bundled with esbuild, as a single-page app installs a Segment destination:
`plugins: [oneflowDestination({assetsUrl, ...})]` in place of the workspace's remote plugin, whose URL is
then never requested, or registered by hand; with the script tag on the same page; and with assets of
another version."""
import json

import pytest

import pages
from conftest import ON_THE_DEFAULT_RUNTIME, expect_error, sdk_calls

pytestmark = pytest.mark.browser

KEY = "test-app-id"
NEVER_REQUESTED = "does-not-exist.js"


def app(site, assets, runtime) -> dict:
    """The app's options, and the workspace's remote plugin entry: its settings (the API key) go over them."""
    entry = pages.remote_plugin_entry(site, {"projectApiKey": KEY})
    entry["url"] = assets + NEVER_REQUESTED
    return {"assetsUrl": assets, "sdkUrl": pages.standin_url(site), "runtime": runtime, "remotePlugins": [entry]}


def requested(page) -> list:
    return page.evaluate("performance.getEntriesByType('resource').map((entry) => entry.name)")


def test_the_factory_from_the_package_replaces_the_remote_plugin(site, npm_app, npm_assets, page, runtime):
    page.goto(pages.module_app_page(site, npm_app, app(site, npm_assets, runtime), calls=(
        "analytics.identify('user-1', {name: 'Ada'}); analytics.track('Via the module', {plan: 'pro'});")))
    calls = sdk_calls(page, 2)
    assert [(call["method"], call["args"]) for call in calls] == [
        ("logUser", ["user-1", {"name": "Ada"}]), ("logEvent", ["Via the module", {"plan": "pro"}])]
    assert page.evaluate("oneflowWeb.stats().state") == "ready"
    assert page.evaluate("JSON.parse(oneflowWeb.settings)") == {
        "sdkUrl": pages.standin_url(site), "runtime": runtime, "projectApiKey": KEY}
    assert not [url for url in requested(page) if NEVER_REQUESTED in url or url.endswith("/oneflow-web.js")]
    assert [url for url in requested(page) if url.startswith(npm_assets + "python/")]


@ON_THE_DEFAULT_RUNTIME
def test_the_plugin_from_the_package_registered_by_hand(site, npm_app, npm_assets, page, runtime, console):
    options = {"assetsUrl": npm_assets, "sdkUrl": pages.standin_url(site), "runtime": runtime, "register": KEY}
    page.goto(pages.module_app_page(site, npm_app, options, calls=(
        "analytics.identify('user-1', {name: 'Ada'}); analytics.track('By hand', {plan: 'pro'});")))
    calls = sdk_calls(page, 2)
    assert [(call["method"], call["args"]) for call in calls] == [
        ("logUser", ["user-1", {"name": "Ada"}]), ("logEvent", ["By hand", {"plan": "pro"}])]
    assert page.evaluate("JSON.parse(oneflowWeb.settings)") == {
        "sdkUrl": pages.standin_url(site), "runtime": runtime, "projectApiKey": KEY}
    assert not [line for line in console if line.startswith(("error", "warning"))]


@ON_THE_DEFAULT_RUNTIME
def test_with_the_script_tag_first_the_module_uses_its_hub_and_destination(site, npm_app, npm_assets, page, runtime,
                                                                         console):
    tag = "<script src='%soneflow-web.js'></script><script>window.tagHub = window.oneflowWeb;</script>" % npm_assets
    page.goto(pages.module_app_page(site, npm_app, app(site, npm_assets, runtime), before=tag, calls=(
        "analytics.identify('user-1', {name: 'Ada'}); analytics.track('once'); analytics.track('sentinel');")))
    # Events arrive in order: a second delivery of either would come before the sentinel.
    assert [call["args"][0] for call in sdk_calls(page, 3)] == ["user-1", "once", "sentinel"]
    assert page.evaluate("window.oneflowWeb === window.tagHub && oneflowWeb.stats().received") == 3
    assert not [line for line in console if line.startswith(("error", "warning"))]


@ON_THE_DEFAULT_RUNTIME
def test_with_the_module_first_a_later_script_tag_defers_to_it(site, npm_app, npm_assets, page, runtime, console):
    # The site's tag comes once the module's destination is made: it warns and registers nothing.
    again = ("const tag = document.createElement('script'); tag.src = %s;"
             " tag.setAttribute('data-api-key', %s); tag.setAttribute('data-sdk-url', %s); tag.setAttribute('data-runtime', %s);"
             % (json.dumps(npm_assets + "oneflow-web.js"), json.dumps(KEY), json.dumps(pages.standin_url(site)),
                json.dumps(runtime)))
    calls = ("analytics.track('first');"
             "oneflowWeb.started.then(() => { window.moduleHub = window.oneflowWeb; %s"
             " tag.onload = () => analytics.track('second'); document.head.appendChild(tag); });" % again)
    with page.expect_console_message(lambda message: "included more than once; the first copy is used" in message.text):
        page.goto(pages.module_app_page(site, npm_app, app(site, npm_assets, runtime), calls=calls))
    sdk_calls(page, 2)
    page.evaluate("analytics.track('sentinel')")
    # Events arrive in order: a second delivery of either would come before the sentinel.
    assert [call["args"][0] for call in sdk_calls(page, 3)] == ["first", "second", "sentinel"]
    assert page.evaluate("window.oneflowWeb === window.moduleHub && oneflowWeb.stats().received") == 3
    assert page.evaluate("[...document.scripts].filter((s) => s.src.includes('standin')).length") == 1


@ON_THE_DEFAULT_RUNTIME
@pytest.mark.parametrize("thread", ["worker", "main"])
def test_assets_of_another_version_are_a_clear_error(site, npm_app, npm_assets, page, runtime, thread):
    # The package's JavaScript as another version of it would be, with this version's assets.
    other = npm_app.folder / "oneflow-web-0.0.1.mjs"
    source = (npm_app.package / "index.js").read_text()
    version = npm_app.manifest["version"]
    assert 'var VERSION = "%s";' % version in source
    other.write_text(source.replace('var VERSION = "%s";' % version, 'var VERSION = "0.0.1";'))
    url = site.add("/site/module-app-0.0.1.js", pages.bundle_app(
        npm_app.folder, pages.MODULE_APP_SOURCE.replace("'oneflow-web'", "'./%s'" % other.name)), "text/javascript")
    options = app(site, npm_assets, runtime)
    options["remotePlugins"][0]["settings"]["thread"] = thread
    with expect_error(page, "the runtime files (assets/) are oneflow-web %s, but the JavaScript that loads them is "
                            "oneflow-web 0.0.1: serve the assets/ folder of the same version" % version):
        page.goto(pages.module_app_page(site, npm_app, options, calls="analytics.track('never')", app_url=url))
    assert page.evaluate("oneflowWeb.started.then(() => 'ready', (error) => error.message)").startswith(
        "the runtime files (assets/) are oneflow-web %s" % version)
    assert page.evaluate("oneflowWeb.stats().state") == "failed"
    assert page.evaluate("!window.oneflowStandIn"), "the SDK was injected"

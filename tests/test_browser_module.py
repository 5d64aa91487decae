"""The ES-module entry (dist/esm/oneflow-web.mjs) in an app bundled with esbuild, as a single-page app
installs a Segment destination: `plugins: [oneflowDestination({assetsUrl, ...})]` in place of the
workspace's remote plugin, whose URL is then never requested."""
import json

import pytest

import pages
from conftest import ON_THE_DEFAULT_RUNTIME, sdk_calls

pytestmark = pytest.mark.browser

KEY = "test-app-id"
NEVER_REQUESTED = "does-not-exist.js"


def app(site, runtime) -> dict:
    """The app's options, and the workspace's remote plugin entry: its settings (the API key) go over them."""
    entry = pages.remote_plugin_entry(site, {"projectApiKey": KEY})
    entry["url"] = site.assets + NEVER_REQUESTED
    return {"assetsUrl": site.assets, "sdkUrl": pages.standin_url(site), "runtime": runtime, "remotePlugins": [entry]}


def requested(page) -> list:
    return page.evaluate("performance.getEntriesByType('resource').map((entry) => entry.name)")


def test_the_factory_from_the_module_replaces_the_remote_plugin(site, page, runtime):
    page.goto(pages.module_app_page(site, app(site, runtime), calls=(
        "analytics.identify('user-1', {name: 'Ada'}); analytics.track('Via the module', {plan: 'pro'});")))
    calls = sdk_calls(page, 2)
    assert [(call["method"], call["args"]) for call in calls] == [
        ("logUser", ["user-1", {"name": "Ada"}]), ("logEvent", ["Via the module", {"plan": "pro"}])]
    assert page.evaluate("oneflowWeb.stats().state") == "ready"
    assert page.evaluate("JSON.parse(oneflowWeb.settings)") == {
        "sdkUrl": pages.standin_url(site), "runtime": runtime, "projectApiKey": KEY}
    assert not [url for url in requested(page) if NEVER_REQUESTED in url or url.endswith("/oneflow-web.js")]


@ON_THE_DEFAULT_RUNTIME
def test_with_the_script_tag_first_the_module_uses_its_hub_and_destination(site, page, runtime, console):
    tag = "<script src='%soneflow-web.js'></script><script>window.tagHub = window.oneflowWeb;</script>" % site.assets
    page.goto(pages.module_app_page(site, app(site, runtime), before=tag, calls=(
        "analytics.identify('user-1', {name: 'Ada'}); analytics.track('once');")))
    sdk_calls(page, 2)
    page.wait_for_timeout(300)
    assert len(page.evaluate("oneflowStandIn.calls")) == 2
    assert page.evaluate("window.oneflowWeb === window.tagHub && oneflowWeb.stats().received") == 2
    assert not [line for line in console if line.startswith(("error", "warning"))]


@ON_THE_DEFAULT_RUNTIME
def test_with_the_module_first_a_later_script_tag_defers_to_it(site, page, runtime, console):
    # The site's tag comes once the module's destination is made: it warns and registers nothing.
    again = ("const tag = document.createElement('script'); tag.src = %s;"
             " tag.setAttribute('data-api-key', %s); tag.setAttribute('data-sdk-url', %s); tag.setAttribute('data-runtime', %s);"
             % (json.dumps(site.assets + "oneflow-web.js"), json.dumps(KEY), json.dumps(pages.standin_url(site)),
                json.dumps(runtime)))
    calls = ("analytics.track('first');"
             "oneflowWeb.started.then(() => { window.moduleHub = window.oneflowWeb; %s"
             " tag.onload = () => analytics.track('second'); document.head.appendChild(tag); });" % again)
    with page.expect_console_message(lambda message: "included more than once; the first copy is used" in message.text):
        page.goto(pages.module_app_page(site, app(site, runtime), calls=calls))
    assert [call["args"][0] for call in sdk_calls(page, 2)] == ["first", "second"]
    page.wait_for_timeout(300)
    assert len(page.evaluate("oneflowStandIn.calls")) == 2
    assert page.evaluate("window.oneflowWeb === window.moduleHub && oneflowWeb.stats().received") == 2
    assert page.evaluate("[...document.scripts].filter((s) => s.src.includes('standin')).length") == 1

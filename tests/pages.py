"""Pages a site owner would write, one per way of adding the destination.

Each loads the real analytics-next from dist/, with settings inline (nothing is fetched
from Segment) and Segment's own delivery turned off, then runs the test's calls.
"""
import html
import json
import subprocess

import build

# Stand-ins for the 1Flow SDK, one per generation (static/standins/).
STANDIN = "standins/1flow-2022.js"
COMMAND_STANDIN = "standins/1flow-command.js"


def _head(site, cdn_settings: dict, first: str = "") -> str:
    """The page's head up to Analytics.js; `first` is HTML the site puts before everything else."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>site</title>\n%s\n"
        "<script src='%sanalytics-next/bundles/index.js'></script>\n"
        "<script>var CDN_SETTINGS = %s; var CDN_URL = %s;</script>\n"
        % (first, site.assets, json.dumps(cdn_settings), json.dumps(site.assets.rstrip("/"))))


def cdn_settings(remote_plugins: list = None) -> dict:
    settings = {"integrations": {}, "metrics": {"sampleRate": 0}}
    if remote_plugins:
        settings["remotePlugins"] = remote_plugins
    return settings


LOAD_BROWSER = ("window.analytics = AnalyticsNext.AnalyticsBrowser.load("
                "{writeKey: 'test-write-key', cdnURL: CDN_URL, cdnSettings: CDN_SETTINGS}, "
                "{integrations: {'Segment.io': false}});")


def script_tag_page(site, attributes: dict, calls: str = "", before_loader: str = "", first: str = "") -> str:
    """Analytics.js via AnalyticsBrowser, then the loader's script tag, then the site's calls."""
    return site.page(
        _head(site, cdn_settings(), first)
        + "<script>%s\n%s</script>\n" % (LOAD_BROWSER, before_loader)
        + _tag(site, attributes) + "\n<script>%s</script>\n</head><body></body></html>" % calls)


def standin_page(site, key: str, runtime: str, calls: str = "", first: str = "", **attributes) -> str:
    """A script-tag page whose destination loads the 2022 stand-in SDK; more attributes as
    keywords, `data_thread="main"` for data-thread="main"."""
    attrs = {"data-api-key": key, "data-sdk-url": standin_url(site), "data-runtime": runtime}
    attrs.update({name.replace("_", "-"): value for name, value in attributes.items()})
    return script_tag_page(site, attrs, calls, first=first)


def _tag(site, attributes: dict) -> str:
    """The loader's script tag; a None value writes the attribute without a value."""
    return "<script src='%s'%s></script>" % (
        site.assets + "oneflow-web.js",
        "".join(" %s='%s'" % (name, html.escape(value, quote=True)) if value is not None else " " + name
                for name, value in attributes.items()))


def remote_plugin_entry(site, settings: dict) -> dict:
    return {"name": "1Flow Web (Actions)", "creationName": "1Flow Web (Actions)",
            "libraryName": "1flowDestination", "url": site.assets + "oneflow-web.js", "settings": settings}


def remote_plugins_page(site, settings: dict, calls: str = "", first: str = "") -> str:
    """Analytics.js loads the loader itself, from a cdnSettings.remotePlugins entry."""
    return site.page(
        _head(site, cdn_settings([remote_plugin_entry(site, settings)]), first)
        + "<script>%s\n%s</script>\n</head><body></body></html>" % (LOAD_BROWSER, calls))


def standin_url(site, standin: str = STANDIN) -> str:
    return site.assets + standin


def site_page(site, head_html: str) -> str:
    """analytics-next's UMD build plus whatever the test puts in the head."""
    return site.page(_head(site, cdn_settings()) + head_html + "\n</head><body></body></html>")


# Notes every Worker the page makes (window.spiedWorkers), so a test can tell whether one was
# started, or make ours fail the way a dying worker does.
WORKER_SPY = """window.spiedWorkers = []; const PageWorker = window.Worker;
window.Worker = class extends PageWorker { constructor(...args) { super(...args); spiedWorkers.push(this); } };"""


# The Segment snippet's essentials, written for the tests: a buffering `window.analytics`
# array that analytics-next's standalone build replays once it loads.
SNIPPET = """
window.analytics = [];
['identify', 'track', 'page', 'group', 'alias', 'register', 'ready'].forEach(function (method) {
  analytics[method] = function () {
    analytics.push([method].concat([].slice.call(arguments)));
    return analytics;
  };
});
analytics._writeKey = 'test-write-key';
analytics._loadOptions = {integrations: {'Segment.io': false}};
(function () {
  var tag = document.createElement('script');
  tag.async = true;
  tag.src = %s;
  document.head.appendChild(tag);
})();
"""

# What the standalone build asks Segment's CDN for; tests answer it through page.route.
SEGMENT_SETTINGS_URL = "https://cdn.segment.com/v1/projects/**"


def snippet_page(site, attributes: dict, calls: str = "", before_loader: str = "") -> str:
    """The Segment snippet (buffered stub), then the loader's script tag, then the site's calls."""
    snippet = SNIPPET % json.dumps(site.assets + "analytics-next/bundles/standalone.js")
    return site.page(
        "<!doctype html><html><head><meta charset='utf-8'>\n<script>%s\n%s</script>\n%s\n"
        "<script>%s</script>\n</head><body></body></html>" % (snippet, before_loader, _tag(site, attributes), calls))


def csp_page(site, policy: str, nonce: str, attributes: dict = None, calls: str = "",
             remote_settings: dict = None, first: str = "") -> str:
    """A page served with a Content-Security-Policy header; every script of its own carries the nonce.

    The destination comes from the loader's script tag (`attributes`) or, with
    `remote_settings`, from a remotePlugins entry that Analytics.js loads without a nonce.
    `first` is HTML put before everything else (its scripts need the nonce).
    """
    if remote_settings is None:
        tag, settings = _tag(site, attributes).replace("<script ", "<script nonce='%s' " % nonce, 1), cdn_settings()
    else:
        tag, settings = "", cdn_settings([remote_plugin_entry(site, remote_settings)])
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>\n" + first + "\n"
        "<script nonce='%s' src='%sanalytics-next/bundles/index.js'></script>\n"
        "<script nonce='%s'>var CDN_SETTINGS = %s; var CDN_URL = %s;\n%s</script>\n%s\n"
        "<script nonce='%s'>%s</script>\n</head><body></body></html>"
        % (nonce, site.assets, nonce, json.dumps(settings), json.dumps(site.assets.rstrip("/")),
           LOAD_BROWSER, tag, nonce, calls))
    return site.page(body, headers={"Content-Security-Policy": policy})


# Segment's consent wrapper (@segment/analytics-consent-tools, pinned in package.json), as a
# site bundles it: built once per server with esbuild into one script (window.SegmentConsent).
CONSENT_TOOLS = "@segment/analytics-consent-tools/dist/esm/index.js"
CONSENT_SCRIPT = "/site/consent-tools.js"


def consent_tools_url(site) -> str:
    if CONSENT_SCRIPT not in site.generated:
        result = subprocess.run(
            [str(build.NODE_MODULES / ".bin" / "esbuild"), str(build.NODE_MODULES / CONSENT_TOOLS), "--bundle",
             "--format=iife", "--global-name=SegmentConsent", "--log-level=warning"],
            check=True, capture_output=True, text=True)
        site.add(CONSENT_SCRIPT, result.stdout, "text/javascript")
    return site.origin + CONSENT_SCRIPT


def consent_page(site, model: str, consent: dict, categories: list, calls: str = "",
                 tag_attributes: dict = None, remote_settings: dict = None, first: str = "") -> str:
    """Analytics.js wrapped by Segment's consent wrapper in `model` ("opt-in" or "opt-out").

    The visitor's choices start as `consent` ({"Analytics": false}, say) and change through
    `setConsent(choices)`, which tells the wrapper as a consent manager would. The CDN
    settings give the destination `categories` (as Segment does for one with consent
    settings) and say other destinations have none, so Analytics.js itself always loads.
    The destination comes from the loader's script tag (`tag_attributes`) or, with
    `remote_settings`, from a remotePlugins entry.
    """
    settings = cdn_settings([remote_plugin_entry(site, remote_settings)] if remote_settings is not None else None)
    settings["integrations"]["1Flow Web (Actions)"] = {"consentSettings": {"categories": categories}}
    settings["consentSettings"] = {"allCategories": categories, "hasUnmappedDestinations": True}
    wrapper = """
window.consent = %s;
var analytics = window.analytics = new AnalyticsNext.AnalyticsBrowser();
SegmentConsent.createWrapper({
  getCategories: function () { return Object.assign({}, window.consent); },
  shouldLoadSegment: function (ctx) { return ctx.load({consentModel: %s}); },
  registerOnConsentChanged: function (tell) {
    window.setConsent = function (choices) { window.consent = choices; tell(Object.assign({}, choices)); };
  }
})(analytics);
analytics.load({writeKey: 'test-write-key', cdnURL: CDN_URL, cdnSettings: CDN_SETTINGS},
               {integrations: {'Segment.io': false}});""" % (json.dumps(consent), json.dumps(model))
    tag = _tag(site, tag_attributes) if tag_attributes is not None else ""
    return site.page(
        _head(site, settings, first) + "<script src='%s'></script>\n<script>%s</script>\n%s\n<script>%s</script>\n"
        "</head><body></body></html>" % (consent_tools_url(site), wrapper, tag, calls))


# A site's app that installs the destination from the npm package (`python3 build.py pack`'s tarball,
# installed in conftest.NpmApp's folder), as a bundler would take it: bundled once per server with
# esbuild into one classic script. The page sets `MODULE_APP` ({assetsUrl, sdkUrl, runtime, and
# remotePlugins or register}) first. The app loads Analytics.js into window.analytics with
# `plugins: [oneflowDestination({assetsUrl, sdkUrl, runtime})]` or, with `register` (the API key),
# without it, and registers the plugin by hand: `analytics.register(...await factory({projectApiKey}))`.
MODULE_APP = "/site/module-app.js"
MODULE_APP_SOURCE = """
import { oneflowDestination } from 'oneflow-web';
const app = window.MODULE_APP;
const factory = oneflowDestination({assetsUrl: app.assetsUrl, sdkUrl: app.sdkUrl, runtime: app.runtime});
window.analytics = AnalyticsNext.AnalyticsBrowser.load({
  writeKey: 'test-write-key', cdnURL: CDN_URL,
  cdnSettings: Object.assign({}, CDN_SETTINGS, {remotePlugins: app.remotePlugins}),
  plugins: app.register ? [] : [factory]
}, {integrations: {'Segment.io': false}});
if (app.register) {
  (async () => { await analytics.register(...await factory({projectApiKey: app.register})); })();
}
"""


def bundle_app(folder, source: str, name: str = "module-app.js") -> str:
    """`source` bundled by esbuild as an app in `folder` would be, its imports from folder/node_modules."""
    return subprocess.run([str(build.ESBUILD), "--bundle", "--format=iife", "--sourcefile=" + name, "--log-level=warning"],
                          input=source, check=True, capture_output=True, text=True, cwd=folder).stdout


def module_app_url(site, npm_app) -> str:
    if MODULE_APP not in site.generated:
        site.add(MODULE_APP, bundle_app(npm_app.folder, MODULE_APP_SOURCE), "text/javascript")
    return site.origin + MODULE_APP


def module_app_page(site, npm_app, app: dict, before: str = "", calls: str = "", app_url: str = None) -> str:
    """The module app (`app` is its MODULE_APP; `app_url`, another bundle of it), after `before` (HTML),
    then the site's calls."""
    return site_page(site, "%s\n<script>window.MODULE_APP = %s;</script>\n<script src='%s'></script>\n<script>%s</script>"
                     % (before, json.dumps(app), app_url or module_app_url(site, npm_app), calls))

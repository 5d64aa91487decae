"""Pages a site owner would write, one per way of adding the destination.

Each loads the real analytics-next from dist/, with settings inline (nothing is fetched
from Segment) and Segment's own delivery turned off, then runs the test's calls.
"""
import html
import json

STANDIN = "1flow-standin.js"


def _head(site, cdn_settings: dict) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>site</title>\n"
        "<script src='%sanalytics-next/bundles/index.js'></script>\n"
        "<script>var CDN_SETTINGS = %s; var CDN_URL = %s;</script>\n"
        % (site.assets, json.dumps(cdn_settings), json.dumps(site.assets.rstrip("/"))))


def cdn_settings(remote_plugins: list = None) -> dict:
    settings = {"integrations": {}, "metrics": {"sampleRate": 0}}
    if remote_plugins:
        settings["remotePlugins"] = remote_plugins
    return settings


LOAD_BROWSER = ("window.analytics = AnalyticsNext.AnalyticsBrowser.load("
                "{writeKey: 'test-write-key', cdnURL: CDN_URL, cdnSettings: CDN_SETTINGS}, "
                "{integrations: {'Segment.io': false}});")


def script_tag_page(site, attributes: dict, calls: str = "", before_loader: str = "") -> str:
    """Analytics.js via AnalyticsBrowser, then the loader's script tag, then the site's calls."""
    tag = "<script src='%s'%s></script>" % (
        site.assets + "oneflow-web.js",
        "".join(" %s='%s'" % (name, html.escape(value, quote=True)) if value is not None else " " + name
                for name, value in attributes.items()))
    return site.page(
        _head(site, cdn_settings())
        + "<script>%s\n%s</script>\n" % (LOAD_BROWSER, before_loader)
        + tag + "\n<script>%s</script>\n</head><body></body></html>" % calls)


def remote_plugin_entry(site, settings: dict) -> dict:
    return {"name": "1Flow Web (Actions)", "creationName": "1Flow Web (Actions)",
            "libraryName": "1flowDestination", "url": site.assets + "oneflow-web.js", "settings": settings}


def remote_plugins_page(site, settings: dict, calls: str = "") -> str:
    """Analytics.js loads the loader itself, from a cdnSettings.remotePlugins entry."""
    return site.page(
        _head(site, cdn_settings([remote_plugin_entry(site, settings)]))
        + "<script>%s\n%s</script>\n</head><body></body></html>" % (LOAD_BROWSER, calls))


def standin_url(site) -> str:
    return site.assets + STANDIN


def site_page(site, head_html: str) -> str:
    """analytics-next's UMD build plus whatever the test puts in the head."""
    return site.page(_head(site, cdn_settings()) + head_html + "\n</head><body></body></html>")

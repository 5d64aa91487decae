"""Benchmark oneflow-web on Pyodide and on MicroPython, on the main thread and in a worker,
against a hand-written JavaScript floor.

    .venv/bin/python tests/benchmark.py [--runs N] [--quick] [--json PATH] [--playground]
                                        [--network cable,4g|none] [--network-only] [--network-timeout S]

A program that prints figures, not a test: timings on a shared machine are too noisy for
pass/fail thresholds, and the figures are read by people (BENCHMARKS.md). Variants of the
same page are compared: analytics-next, then a destination added by script tag after
AnalyticsBrowser.load, then `identify` and `track` fired at once. The destination is
tests/bench_floor.js (the floor: the least any 1Flow destination must do), or ours,
oneflow-web.js, with each data-runtime and data-thread. All load the same 1Flow stand-in SDK from
dist/. The main thread is what web performance is judged on (Total Blocking Time,
Interaction to Next Paint), so most figures are the main thread's.

The mappings playground (dist/playground/) is measured on the same runs: time to its first
answer, Python's time per answer once started, and what it downloads, on each runtime.

Then the floor and each runtime in the default thread (worker) load again on network
profiles (tests/network.py: cable, 4g): served compressed and cacheable by a server that
adds round trips and paces every byte, the worker's included, through one shared link.
There the figures are when the first event reached the SDK, the milestones before it, and
what the server sent (requests, and bytes with headers), since on a real link the bytes
and the chain of requests, not the CPU, decide the first event.

One Chromium runs everything. Each measurement gets a fresh browser context, so nothing
is cached between runs, and runs are interleaved across the variants, so a slow spell of
the machine hits all three alike. Each figure is the median over the runs. Wall times
stretch when other processes share the CPU; the CPU rows (Chromium's own counters) barely
move, so they are the ones to compare between busy and quiet moments.
"""
import argparse
import collections
import html
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
import tomllib
import urllib.parse
from typing import NamedTuple

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright  # noqa: E402

import build  # noqa: E402
import network  # noqa: E402
import pages  # noqa: E402
from conftest import ASSETS, CHROMIUM_ARGS, Site  # noqa: E402

DIRECT_EVENTS = 2000  # plugin.track called directly, in one synchronous loop
BURST_EVENTS = 2000  # analytics.track through analytics-next
TIMEOUT_MS = 120000  # generous: a busy 2-core machine boots Pyodide slowly
FLOOR_PATH = "/assets/floor/bench_floor.js"  # served beside dist/, as a site would host it
OURS_PATH = ASSETS + "oneflow-web.js"
OURS_PLUGIN = "window['1flowDestination']()[0]"  # the factory, called again, returns the plugin it made


class Variant(NamedTuple):
    label: str
    script: str  # path of the destination's script on the site
    attributes: dict  # on its script tag, besides the API key and the SDK's URL
    plugin: str  # a JS expression for the plugin it registered


VARIANTS = {
    "floor": Variant("JS floor", FLOOR_PATH, {}, "window.benchFloor"),
    "pyodide": Variant("Pyodide main", OURS_PATH, {"data-runtime": "pyodide", "data-thread": "main"}, OURS_PLUGIN),
    "pyodide-worker": Variant("Pyodide worker", OURS_PATH, {"data-runtime": "pyodide", "data-thread": "worker"},
                              OURS_PLUGIN),
    "micropython": Variant("MicroPython main", OURS_PATH, {"data-runtime": "micropython", "data-thread": "main"},
                           OURS_PLUGIN),
    "micropython-worker": Variant("MicroPython worker", OURS_PATH,
                                  {"data-runtime": "micropython", "data-thread": "worker"}, OURS_PLUGIN),
}
OURS = [key for key in VARIANTS if key != "floor"]

# The site's own calls, at page start: the cold-start clock stops at this track's logEvent.
PAGE_CALLS = "analytics.identify('user-1', {plan: 'pro'}); analytics.track('Page Start', {source: 'benchmark'});"

# Installed before any page script runs. It only observes: it notes when the first
# logEvent reaches the SDK stand-in (which announces each call with a '1flow:call' event),
# every long task, and the WebAssembly memories the interpreters create (their heap is not
# part of the JS heap). The measurement helpers the benchmark calls later live here too.
PAGE_PROBES = """
(() => {
  const bench = window.__bench = {firstEvent: null, longTasks: [], memories: new Set()};

  addEventListener('1flow:call', (e) => {
    if (bench.firstEvent === null && e.detail.method === 'logEvent') bench.firstEvent = performance.now();
  });
  const longTasks = new PerformanceObserver((list) => bench.longTasks.push(...list.getEntries()));
  longTasks.observe({type: 'longtask'});

  function noteMemories(result, imports) {
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    const values = Object.values(instance.exports);
    for (const space of Object.values(imports || {})) values.push(...Object.values(space));
    values.filter((v) => v instanceof WebAssembly.Memory).forEach((m) => bench.memories.add(m));
    return result;
  }
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = (source, imports) => original(source, imports).then((r) => noteMemories(r, imports));
  }

  const calls = () => (window.oneflowStandIn ? oneflowStandIn.calls.length : 0);

  // Resolves once the stand-in holds `count` calls: the work is done, not merely queued.
  bench.waitForCalls = (count) => new Promise((resolve, reject) => {
    if (calls() >= count) return resolve();
    const timer = setTimeout(() => reject(new Error('only ' + calls() + ' of ' + count + ' SDK calls')), %(timeout)d);
    addEventListener('1flow:call', function listener() {
      if (calls() < count) return;
      removeEventListener('1flow:call', listener);
      clearTimeout(timer);
      resolve();
    });
  });

  // Start-up milestones (ms since navigation start) and the longest task before the first
  // event (0 when none: Chromium reports only tasks of 50 ms or more).
  bench.startup = async (sdkUrl, packagePrefix) => {
    await new Promise((resolve) => setTimeout(resolve, 100));  // let pending long-task entries arrive
    longTasks.takeRecords().forEach((entry) => bench.longTasks.push(entry));
    const entries = performance.getEntriesByType('resource');
    const started = (prefix) => { const e = entries.find((e) => e.name.startsWith(prefix)); return e ? e.startTime : null; };
    const tasks = bench.longTasks.filter((t) => t.startTime < bench.firstEvent).map((t) => t.duration);
    const mark = performance.getEntriesByName('oneflow-web: Python running')[0];
    return {firstEvent: bench.firstEvent, sdkRequested: started(sdkUrl), packageRequested: started(packagePrefix),
            pythonRunning: mark ? mark.startTime : null,
            longestTask: Math.max(0, ...tasks),
            // Total Blocking Time: what each long task held the main thread beyond 50 ms.
            blockingTime: tasks.reduce((sum, duration) => sum + Math.max(0, duration - 50), 0)};
  };

  // A real event as analytics-next hands it to destinations, for the direct calls.
  bench.takeTemplate = async () => {
    const before = calls();
    bench.template = (await analytics.track('Template', {plan: 'pro', i: -1})).event;
    await bench.waitForCalls(before + 1);
  };

  // plugin.track called directly, as Analytics.js would, with copies of the template;
  // each gets its own messageId, since a plugin may drop an id it has already seen.
  bench.direct = async (plugin, n) => {
    const template = bench.template;
    const target = calls() + n;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const properties = {...template.properties, i};
      plugin.track({event: {...template, messageId: template.messageId + '-' + i, properties}});
    }
    await bench.waitForCalls(target);
    return performance.now() - t0;
  };

  // A burst through analytics-next: every event takes its whole pipeline, then our plugin.
  bench.burst = async (n) => {
    const target = calls() + n;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) analytics.track('Burst', {plan: 'pro', i});
    await bench.waitForCalls(target);
    return performance.now() - t0;
  };

  bench.wasmBytes = () => [...bench.memories].reduce((sum, m) => sum + m.buffer.byteLength, 0);
})();
""" % {"timeout": TIMEOUT_MS}


def variant_page(site: Site, key: str) -> str:
    """The same page for every variant; only the destination's script tag differs."""
    variant = VARIANTS[key]
    attributes = {"data-api-key": "bench-app-id", "data-sdk-url": pages.standin_url(site), **variant.attributes}
    tag = "<script src='%s'%s></script>" % (site.origin + variant.script, "".join(
        " %s='%s'" % (name, html.escape(value, quote=True)) for name, value in attributes.items()))
    return pages.site_page(site, "<script>%s</script>\n%s\n<script>%s</script>"
                           % (pages.LOAD_BROWSER, tag, PAGE_CALLS))


def open_variant(browser, site: Site, key: str) -> tuple:
    """A fresh context (nothing cached) with the probes installed, and its page, not yet navigated."""
    context = browser.new_context()
    context.add_init_script(PAGE_PROBES)
    return context, context.new_page()


def startup(page, site: Site) -> dict:
    """The page's start-up milestones, once its first event has reached the SDK."""
    return page.evaluate("([sdk, package]) => __bench.startup(sdk, package)",
                         [pages.standin_url(site), site.assets + "python/"])


def measure(browser, site: Site, key: str, count_bytes: bool) -> dict:
    """One page load of one variant in a fresh context: every figure but the bytes, which
    are the same on every run and so are counted only when asked."""
    plugin = VARIANTS[key].plugin
    context, page = open_variant(browser, site, key)
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto("about:blank")
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")  # the main thread's CPU from here: navigation to the first event
        page.goto(variant_page(site, key), timeout=TIMEOUT_MS)
        page.wait_for_function("__bench.firstEvent !== null", timeout=TIMEOUT_MS)
        start = metrics(cdp)
        page.wait_for_function("(%s).isLoaded()" % plugin, timeout=TIMEOUT_MS)
        result = startup(page, site)
        result["startCpuMs"] = start["ProcessTime"] * 1000
        result["startMainCpuMs"] = start["ThreadTime"] * 1000
        page.evaluate("__bench.takeTemplate()")
        for name, script, count in (("direct", "n => __bench.direct(%s, n)" % plugin, DIRECT_EVENTS),
                                    ("burst", "n => __bench.burst(n)", BURST_EVENTS)):
            cpu_before = metrics(cdp)["ThreadTime"]
            result[name + "Ms"] = page.evaluate(script, count)
            result[name + "CpuMs"] = (metrics(cdp)["ThreadTime"] - cpu_before) * 1000
        cdp.send("HeapProfiler.collectGarbage")  # what the page keeps, not leftover garbage
        result["jsHeap"] = metrics(cdp)["JSHeapUsedSize"]
        result["wasmMemory"] = page.evaluate("__bench.wasmBytes()")
        if count_bytes:
            result["bytes"] = transferred(responses, site)
        return result
    finally:
        context.close()


PLAYGROUND_RUNTIMES = {"micropython": "MicroPython", "pyodide": "Pyodide"}
PLAYGROUND_ANSWERS = 20  # runs of the prefilled input, once the first answer is drawn


def measure_playground(browser, site: Site, runtime: str, count_bytes: bool) -> dict:
    """One cold load of the playground in a fresh context: its first answer, then more runs."""
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(site.assets + "playground/?runtime=" + runtime, timeout=TIMEOUT_MS)
        page.wait_for_function("oneflowPlayground.answers > 0", timeout=TIMEOUT_MS)
        result = {"firstAnswer": page.evaluate("oneflowPlayground.firstAnswer"), "answerMs": []}
        for count in range(2, PLAYGROUND_ANSWERS + 2):
            page.click("#run")
            page.wait_for_function("n => oneflowPlayground.answers >= n", arg=count, timeout=TIMEOUT_MS)
            result["answerMs"].append(page.evaluate("oneflowPlayground.lastAnswerMs"))
        result["answerMs"] = statistics.median(result["answerMs"])
        if count_bytes:
            result["bytes"] = transferred(responses, site)
        return result
    finally:
        context.close()


def playground_table(results: dict) -> str:
    """The playground's figures, one column per runtime (medians over the runs)."""
    rows = {"time to first answer (ms)": lambda runs: statistics.median(run["firstAnswer"] for run in runs),
            "one answer, once started (ms)": lambda runs: statistics.median(run["answerMs"] for run in runs),
            "transfer, raw (KB)": lambda runs: runs[0]["bytes"]["raw"] / 1000,
            "transfer, gzip -6 (KB)": lambda runs: runs[0]["bytes"]["gzip"] / 1000,
            "transfer, brotli -11 (KB)": lambda runs: runs[0]["bytes"]["brotli"] / 1000}
    width = "%-42s" + " %12s" * len(PLAYGROUND_RUNTIMES)
    lines = [width % ("mappings playground (median)", *PLAYGROUND_RUNTIMES.values())]
    for figure, value in rows.items():
        lines.append(width % (figure, *[cell(value(results[runtime])) for runtime in PLAYGROUND_RUNTIMES]))
    return "\n".join(lines)


# The variants measured on network profiles: the floor and each runtime in the default thread.
NETWORK_VARIANTS = ["floor", "micropython-worker", "pyodide-worker"]
NETWORK_TIMEOUT_S = 180  # per page load: the Pyodide worker on 4g may need more than a minute
LOADER_ERROR = "[1Flow Web (Actions)]"  # how the loader's console errors begin


def measure_network(browser, site: Site, key: str, timeout_s: float) -> dict:
    """One cold load of one variant through the site's network profile: when the first event
    reached the SDK (None if it did not within `timeout_s`, or the loader gave up first), and
    what the server sent for it, every request of the page and its workers."""
    context, page = open_variant(browser, site, key)
    loader_errors = []
    page.on("console", lambda message: loader_errors.append(message.text)
            if message.type == "error" and message.text.startswith(LOADER_ERROR) else None)
    site.server.take_sent()  # nothing of an earlier load is counted
    result = {"firstEvent": None, "sdkRequested": None, "pythonRunning": None}
    try:
        deadline = time.monotonic() + timeout_s
        page.goto(variant_page(site, key), timeout=timeout_s * 1000)
        while not loader_errors and time.monotonic() < deadline:  # a loader that gave up never delivers
            try:
                page.wait_for_function("__bench.firstEvent !== null", timeout=1000)
            except PlaywrightTimeout:
                continue
            result = startup(page, site)
            break
    except PlaywrightTimeout:  # the page itself did not load in time
        pass
    finally:
        context.close()
    sent = site.server.take_sent()
    began = min((response.started for response in sent), default=0)
    result.update(loaderError=loader_errors[0] if loader_errors else None, requests=len(sent),
                  headRequests=sum(response.method == "HEAD" for response in sent),
                  sentBytes=sum(response.bytes for response in sent),
                  responses=[[response.method, response.path, response.bytes, response.encoding,
                              round(response.started - began, 3)] for response in sent])
    return result


def measure_networks(browser, profiles: list, runs: int, timeout_s: float) -> dict:
    """Every network variant on every profile, `runs` times, interleaved: {profile: {variant: [run]}}.

    One untimed load of each variant first, at full speed, so that every file it fetches
    is compressed before the timed loads (brotli -11 takes minutes for Pyodide's files; the
    localhost runs, when they came first, have done it already).
    """
    site = bench_site(network.UNTHROTTLED)
    for key in NETWORK_VARIANTS:
        print("network warm-up: %s" % VARIANTS[key].label, file=sys.stderr, flush=True)
        measure_network(browser, site, key, timeout_s)
    print("network warm-up: compressing with brotli -11 (once per file)", file=sys.stderr, flush=True)
    network.wait_for_compression()
    results = {profile.name: {key: [] for key in NETWORK_VARIANTS} for profile in profiles}
    for run in range(runs):
        for profile in profiles:
            site.server.profile = profile
            for key in NETWORK_VARIANTS:
                print("run %d/%d on %s: %s" % (run + 1, runs, profile.name, VARIANTS[key].label), file=sys.stderr,
                      flush=True)
                results[profile.name][key].append(measure_network(browser, site, key, timeout_s))
    site.server.shutdown()
    return results


def network_summary(runs: list) -> dict:
    """Medians over the runs; a timing is "-" unless every run delivered (a median of the fast ones would flatter)."""
    def median(name, scale=1):
        values = [run[name] for run in runs]
        return None if None in values else statistics.median(values) / scale

    return {
        "first logEvent after navigation (ms)": median("firstEvent"),
        "  our Python code running (ms)": median("pythonRunning"),
        "  1Flow SDK requested (ms)": median("sdkRequested"),
        "requests": median("requests"),
        "  of which HEAD, the loader's file check": median("headRequests"),
        "sent, headers and bodies (KB)": median("sentBytes", 1000),
    }


def network_report(results: dict, timeout_s: float) -> str:
    """Per profile, the network variants' table, then what failed to deliver and what was downloaded twice."""
    lines = []
    for name, by_variant in results.items():
        profile = network.PROFILES[name]
        lines += ["%s: %g ms round trip, %g Mbit/s" % (name, profile.rtt_ms, profile.mbit_s),
                  table({key: network_summary(runs) for key, runs in by_variant.items()}, NETWORK_VARIANTS)]
        for key, runs in by_variant.items():
            failed = [run for run in runs if run["firstEvent"] is None]
            if failed:
                lines.append("%s: no first event within %d s in %d of %d runs%s" % (
                    VARIANTS[key].label, timeout_s, len(failed), len(runs),
                    "; the loader: " + failed[0]["loaderError"] if failed[0]["loaderError"] else ""))
            paths = [path for method, path, *_ in runs[0]["responses"] if method == "GET"]
            twice = sorted({path for path in paths if paths.count(path) > 1})
            if twice:
                lines.append("%s downloaded more than once: %s" % (VARIANTS[key].label, ", ".join(twice)))
        lines.append("")
    encodings = collections.Counter(response[3] for by_variant in results.values() for runs in by_variant.values()
                                    for run in runs for response in run["responses"])
    lines.append("Responses by encoding, all profiles: " + ", ".join("%s %d" % item for item in encodings.most_common()))
    return "\n".join(lines)


def bench_site(profile: network.Profile = None) -> Site:
    """A Site (conftest) that also serves the floor's script, beside dist/ as a site would host it."""
    site = Site(profile)
    site.add(FLOOR_PATH, (HERE / "bench_floor.js").read_text(), "text/javascript")
    return site


def metrics(cdp) -> dict:
    """Chromium's page metrics, times in seconds. CPU times (ProcessTime: the page's renderer
    process since it started, all threads; ThreadTime: its main thread since Performance.enable)
    stay meaningful on a busy machine, where wall times stretch with the load."""
    return {metric["name"]: metric["value"] for metric in cdp.send("Performance.getMetrics")["metrics"]}


def transferred(responses: list, site: Site) -> dict:
    """Bytes of every distinct response body the page loaded, raw and gzipped at level 6.

    The local server does not compress, so raw is what crossed the wire (bodies only,
    headers left out); gzip is what a typical CDN would send (computed once per body, shared
    with the network profiles' server). Bodies are read from what
    the server serves (DevTools drops bodies as large as Pyodide's files). Requests that
    failed (the favicon Chromium asks for) and anything from another origin, such as
    blob: URLs made in the page, are listed, not counted, and so are HEAD requests (the
    loader checks its worker's files so when the worker is slow to start): no body.
    """
    files, other = {}, []
    for response in responses:
        path = urllib.parse.urlsplit(response.url).path
        if response.status != 200 or not response.url.startswith(site.origin) or response.request.method != "GET":
            other.append("%s %s %s" % (response.request.method, response.status, response.url))
        elif path not in files:
            body = served(site, path)
            files[path] = {"raw": len(body), "gzip": len(network.compressed(body, "gzip")),
                           "brotli": len(network.compressed(body, "br"))}
    return {**{way: sum(f[way] for f in files.values()) for way in ("raw", "gzip", "brotli")},
            "files": files, "notCounted": other}


def served(site: Site, path: str) -> bytes:
    """A body as the benchmark's server sends it: generated pages from memory, the rest from dist/."""
    if path in site.generated:
        return site.generated[path][1]
    return network.file_body(build.DIST / (path[len(ASSETS):] + ("index.html" if path.endswith("/") else "")))


def summarise(runs: list) -> dict:
    """Medians of the timed figures; the bytes, counted once, as they are."""
    def median(name):
        values = [run[name] for run in runs]
        return None if None in values else statistics.median(values)

    first_bytes = runs[0]["bytes"]
    return {
        "cold start: first logEvent (ms)": median("firstEvent"),
        "  main-thread CPU until then (ms)": median("startMainCpuMs"),
        "  longest main-thread task until then (ms)": median("longestTask"),
        "  Total Blocking Time until then (ms)": median("blockingTime"),
        "  renderer CPU, all threads (ms)": median("startCpuMs"),
        "  Python package requested (ms)": median("packageRequested"),
        "  our Python code running (ms)": median("pythonRunning"),
        "  1Flow SDK requested (ms)": median("sdkRequested"),
        "transfer, raw (KB)": first_bytes["raw"] / 1000,
        "transfer, gzip -6 (KB)": first_bytes["gzip"] / 1000,
        "transfer, brotli -11 (KB)": first_bytes["brotli"] / 1000,
        "direct plugin.track (us/event)": median("directMs") * 1000 / DIRECT_EVENTS,
        "  main-thread CPU, direct (us/event)": median("directCpuMs") * 1000 / DIRECT_EVENTS,
        "via analytics-next, burst (us/event)": median("burstMs") * 1000 / BURST_EVENTS,
        "  main-thread CPU, burst (us/event)": median("burstCpuMs") * 1000 / BURST_EVENTS,
        "JS heap after burst (MB)": median("jsHeap") / 1e6,
        "  WebAssembly memory, page (MB)": median("wasmMemory") / 1e6,
    }


def table(summaries: dict, keys: list) -> str:
    """Each figure per variant (one column each, the floor first), then each variant's ratio to the floor."""
    floor, ours = summaries[keys[0]], keys[1:]
    width = "%-42s" + " %9s" * len(keys)
    names = [VARIANTS[key].label for key in keys]
    lines = ["Columns: " + ", ".join("%d = %s" % (index, name) for index, name in enumerate(names)),
             width % ("figure (median)", *[str(index) for index in range(len(names))])]
    for figure, base in floor.items():
        lines.append(width % (figure, *[cell(summaries[key][figure]) for key in keys]))
    lines += ["", (("%-42s" + " %9s" * len(ours)) % ("ratio to the floor", *[str(index) for index in
                                                                             range(1, len(names))]))]
    for figure, base in floor.items():
        ratios = [ratio(summaries[key][figure], base) for key in ours]
        lines.append(("%-42s" + " %9s" * len(ours)) % (figure, *ratios))
    return "\n".join(lines)


def ratio(value, base) -> str:
    """Ours over the floor; "+N" in ms where the floor is 0 (a blocking time of none)."""
    if value is None or base is None:
        return "-"
    if base == 0:
        return "+%.0f" % value if value else "="
    return "%.2fx" % (value / base)


def cell(value) -> str:
    """Three significant figures are plenty for run-to-run noise of several per cent."""
    if value is None:
        return "-"
    return "%.0f" % value if value >= 100 else "%.2f" % value


def machine(browser) -> dict:
    """What the figures depend on, printed and saved with them."""
    cpuinfo = pathlib.Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 "unknown")
    runtimes = json.loads((build.ROOT / "package.json").read_text())["devDependencies"]
    project = tomllib.loads((build.ROOT / "pyproject.toml").read_text())["project"]
    changed = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "--short", "HEAD") + (" with local changes" if changed else ""),
        "cpu": model, "cores": os.cpu_count(), "loadAverage": os.getloadavg(),
        "chromium": browser.version,
        "versions": {"oneflow-web": project["version"],
                     **{name: runtimes[name] for name in ("@segment/analytics-next", "@pyscript/core", "pyodide",
                                                           "@micropython/micropython-webassembly-pyscript")}},
    }


def git(*args) -> str:
    """Read-only git queries, so a figure can be traced to the code it measured."""
    return subprocess.run(["git", *args], cwd=build.ROOT, capture_output=True, text=True).stdout.strip()


def profiles_option(text: str) -> list:
    """--network's value: profile names, comma-separated, or "none"."""
    if text == "none":
        return []
    try:
        return [network.PROFILES[name] for name in text.split(",")]
    except KeyError as error:
        raise argparse.ArgumentTypeError("unknown profile %s (known: %s)" % (error, ", ".join(network.PROFILES)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, help="page loads per variant (default 5 on localhost, 3 per network profile)")
    parser.add_argument("--quick", action="store_true", help="2 runs per variant")
    parser.add_argument("--json", metavar="PATH", help="also write the machine, every run and the medians here")
    parser.add_argument("--playground", action="store_true", help="measure only the mappings playground")
    parser.add_argument("--network", type=profiles_option, default="cable,4g", metavar="PROFILES",
                        help="network profiles, comma-separated, or none (default cable,4g; known: %s)"
                        % ", ".join(network.PROFILES))
    parser.add_argument("--network-only", action="store_true", help="only the network profiles")
    parser.add_argument("--network-timeout", type=float, default=NETWORK_TIMEOUT_S, metavar="S",
                        help="seconds a page load may take on a network profile (default %d)" % NETWORK_TIMEOUT_S)
    options = parser.parse_args()
    local_runs, network_runs = (2, 2) if options.quick else (options.runs or 5, options.runs or 3)
    local = not options.network_only
    variants = {} if options.playground or not local else VARIANTS
    profiles = [] if options.playground else options.network

    began = time.monotonic()
    results = {key: [] for key in variants}
    playground = {runtime: [] for runtime in PLAYGROUND_RUNTIMES}
    networks = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(build.CHROMIUM), args=CHROMIUM_ARGS)
        info = machine(browser)
        if local:
            site = bench_site()  # builds dist/ first when it is missing or stale
            for run in range(local_runs):
                for key in variants:
                    print("run %d/%d: %s" % (run + 1, local_runs, VARIANTS[key].label), file=sys.stderr, flush=True)
                    results[key].append(measure(browser, site, key, count_bytes=run == 0))
                for runtime in PLAYGROUND_RUNTIMES:
                    print("run %d/%d: playground on %s" % (run + 1, local_runs, runtime), file=sys.stderr, flush=True)
                    playground[runtime].append(measure_playground(browser, site, runtime, count_bytes=run == 0))
            site.server.shutdown()
        local_seconds = time.monotonic() - began
        if profiles:
            networks = measure_networks(browser, profiles, network_runs, options.network_timeout)
        browser.close()

    summaries = {key: summarise(results[key]) for key in variants}
    elapsed = time.monotonic() - began
    print("Machine: %s, %d cores, load average %.2f at start, %.2f at the end; Chromium %s"
          % (info["cpu"], info["cores"], info["loadAverage"][0], os.getloadavg()[0], info["chromium"]))
    print("Commit %s; versions: %s" % (info["commit"], ", ".join("%s %s" % item for item in info["versions"].items())))
    if local:
        print("%d runs per variant, %d events direct, %d through analytics-next; %.0f s\n"
              % (local_runs, DIRECT_EVENTS, BURST_EVENTS, local_seconds))
    if variants:
        print(table(summaries, list(VARIANTS)) + "\n")
        for key in OURS:
            files = sorted(results[key][0]["bytes"]["files"].items(), key=lambda item: -item[1]["gzip"])
            print("Largest downloads, %s (gzip KB): " % VARIANTS[key].label
                  + ", ".join("%s %.0f" % (url.rsplit("/", 1)[-1], sizes["gzip"] / 1000) for url, sizes in files[:5]))
        print()
    if local:
        print(playground_table(playground) + "\n")
    if profiles:
        print("On network profiles: served compressed (brotli, else gzip) and cacheable, one round trip per request "
              "and one more per new connection, every byte through one shared link; %d runs per variant; %.0f s\n"
              % (network_runs, elapsed - local_seconds))
        print(network_report(networks, options.network_timeout))
    if options.json:
        pathlib.Path(options.json).write_text(json.dumps(
            {"machine": info, "runs": local_runs, "seconds": elapsed, "medians": summaries, "results": results,
             "playground": playground, "networkRuns": network_runs, "network": networks,
             "networkMedians": {name: {key: network_summary(runs) for key, runs in by_variant.items()}
                                for name, by_variant in networks.items()}}, indent=2))


if __name__ == "__main__":
    main()

"""The npm package, as `python3 build.py pack` writes it and an app installs it (conftest.NpmApp): its
manifest and files, and its declarations type-checked in a strict TypeScript app. test_module_entry.py
imports it under Node (and reads the comments bundlers read); test_browser_module.py runs it in Chromium."""
import json
import subprocess

import build

VERSION = build.package_manifest()["version"]


def test_pack_prints_the_tarball_last(npm_app):
    assert npm_app.tarball.is_absolute() and npm_app.tarball.is_file()
    assert npm_app.tarball.name == "oneflow-web-%s.tgz" % VERSION
    assert npm_app.stdout.strip().splitlines()[-1] == str(npm_app.tarball)


def test_the_manifest(npm_app):
    from oneflow_web.definition import VERSION as DEFINED
    manifest = npm_app.manifest
    assert (manifest["name"], manifest["version"], manifest["license"], manifest["type"]) == (
        "oneflow-web", DEFINED, "MIT", "module")
    assert manifest["exports"]["."] == {"types": "./index.d.ts", "default": "./index.js"}
    assert manifest["exports"]["./assets/*"] == "./assets/*"
    assert manifest["sideEffects"] is False
    assert "dependencies" not in manifest
    assert manifest["peerDependencies"] == {"@segment/analytics-next": "^1.84.3"}
    pinned = json.loads((build.ROOT / "package.json").read_text())["devDependencies"]["@segment/analytics-next"]
    major, minor, patch = map(int, pinned.split("."))
    assert major == 1 and (minor, patch) >= (84, 3), "the tested Analytics.js is outside the peer range ^1.84.3"
    assert "MIT License" in (npm_app.package / "LICENSE").read_text()
    assert (npm_app.package / "README.md").is_file()


def test_assets_hold_the_runtime_files_and_nothing_of_the_demo_or_tests(npm_app):
    package = npm_app.package
    top = sorted(path.name for path in package.iterdir())
    assert top == ["LICENSE", "README.md", "assets", "index.d.ts", "index.js", "package.json"]
    assets = package / "assets"
    assert sorted(path.name for path in assets.iterdir()) == sorted(build.ASSETS)
    for name in build.ASSETS:  # each as dist/ holds it for visitors
        source = build.DIST / name
        files = sorted(p.relative_to(source) for p in source.rglob("*")) if source.is_dir() else []
        assert files == sorted(p.relative_to(assets / name) for p in (assets / name).rglob("*")), name
    assert (package / "index.js").read_bytes() == (build.DIST / "esm" / "oneflow-web.mjs").read_bytes()
    found = [str(p.relative_to(package)) for p in package.rglob("*")]
    for left_out in ("demo", "playground", "standins", "analytics-next", "esm", ".built"):
        assert not [path for path in found if left_out in path.split("/")], left_out


# A strict app, as a site written in TypeScript would use the package. Each `@ts-expect-error` fails the
# check if the declarations accept what they must not.
TYPED_APP = """
import { AnalyticsBrowser } from '@segment/analytics-next';
import type { Plugin } from '@segment/analytics-next';
import { oneflowDestination } from 'oneflow-web';
import type { OneflowOptions, OneflowPluginFactory, PluginFactory } from 'oneflow-web';

const analytics = AnalyticsBrowser.load({
  writeKey: 'KEY',
  plugins: [oneflowDestination({assetsUrl: '/oneflow/', projectApiKey: 'k', runtime: 'pyodide'})],
});

const factory: OneflowPluginFactory = oneflowDestination({
  assetsUrl: '/oneflow/0.1.0/', sdkUrl: 'https://1flow.app/js/1flow.js', debug: true, thread: 'worker',
  bufferLimit: 500, sdkTimeout: 10000, bootTimeout: 60000, consentCategories: ['Analytics'], persist: false,
  nonce: 'n', subscriptions: [{subscribe: 'type = "track"', partnerAction: 'trackEvent',
                               mapping: {event_name: {'@path': '$.event'}}}],
});
const asAnalyticsSees: PluginFactory = factory;
const name: '1Flow Web (Actions)' = factory.pluginName;

async function byHand(): Promise<Plugin[]> {
  await analytics.register(...await factory({projectApiKey: 'k'}));
  return factory({projectApiKey: 'k', subscriptions: '[]', consentCategories: 'C0002, C0004'});
}

const stats = window.oneflowWeb?.stats();
const received: number | undefined = stats && stats.state !== 'no plugin created yet' ? stats.received : undefined;
const started: Promise<void> | null | undefined = window.oneflowWeb?.started;
const version: string | undefined = window.oneflowWeb?.version;
const fromTheTag: OneflowPluginFactory | undefined = window['1flowDestination'];

// @ts-expect-error: not a runtime
oneflowDestination({assetsUrl: '/oneflow/', runtime: 'ruby'});
// @ts-expect-error: assetsUrl is required
oneflowDestination({projectApiKey: 'k'});
// @ts-expect-error: a number, not text
oneflowDestination({assetsUrl: '/oneflow/', bufferLimit: 'many'});
// @ts-expect-error: not a setting
const options: OneflowOptions = {assetsUrl: '/oneflow/', projectApiKy: 'k'};

export { asAnalyticsSees, name, byHand, received, started, version, fromTheTag, options };
"""
TSCONFIG = {"compilerOptions": {"strict": True, "noEmit": True, "target": "es2022", "module": "esnext",
                                "moduleResolution": "bundler", "lib": ["es2022", "dom"], "types": []},
            "files": ["app.ts"]}


def test_a_strict_typescript_app_type_checks_against_the_declarations(npm_app):
    (npm_app.folder / "app.ts").write_text(TYPED_APP)
    (npm_app.folder / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    done = subprocess.run([str(build.NODE_MODULES / ".bin" / "tsc"), "-p", str(npm_app.folder)], cwd=npm_app.folder,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

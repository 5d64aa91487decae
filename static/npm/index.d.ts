// Types of the npm package `oneflow-web` (its index.js is dist/esm/oneflow-web.mjs, built from
// static/loader/module.js). Written by hand: keep them in step with README.md's Settings table and
// with static/loader/hub.js and plugin.js (window.oneflowWeb). tests/test_npm_package.py type-checks a
// strict app against them.
import type { AnalyticsBrowserSettings, JSONValue, Plugin } from '@segment/analytics-next';

/** Analytics.js's `PluginFactory` (not exported by name from '@segment/analytics-next'): what `plugins` takes besides a plugin. */
export type PluginFactory = Exclude<NonNullable<AnalyticsBrowserSettings['plugins']>[number], Plugin>;

/** One of your own mappings (README, "Mappings"). */
export interface OneflowSubscription {
  name?: string;
  /** A trigger in Segment's trigger language, such as `type = "track" and event = "Signed Up"`. */
  subscribe: string;
  partnerAction: 'identifyUser' | 'trackEvent';
  /** Field name to a mapping value: a path, a literal or a directive (`{"@path": "$.properties"}`, ...). */
  mapping?: Record<string, unknown>;
  enabled?: boolean;
}

/** The destination's settings (README, "Settings"). On the remote-plugin path the workspace's settings go over these. */
export interface OneflowSettings {
  /** Your 1Flow app id. Required, here or in the workspace's settings. */
  projectApiKey?: string;
  /** Where the 1Flow web SDK is loaded from (default https://1flow.app/js/1flow.js). */
  sdkUrl?: string;
  /** Your own mappings, as a list or as JSON text. Without it the two presets apply. */
  subscriptions?: OneflowSubscription[] | string;
  /** Log every decision to the console. */
  debug?: boolean;
  /** `micropython` (the default) or `pyodide` (full CPython). */
  runtime?: 'micropython' | 'pyodide';
  /** `worker` (the default): Python runs in a Web Worker; `main`: on the page's main thread. */
  thread?: 'worker' | 'main';
  /** Events held while Python and the SDK load (default 1000). */
  bufferLimit?: number;
  /** Milliseconds to wait for the 1Flow SDK to become ready (default 10000). */
  sdkTimeout?: number;
  /** Milliseconds of silence after which Python is given up on (default 60000). */
  bootTimeout?: number;
  /** The consent categories every event must consent to: a list, or comma-separated text. */
  consentCategories?: string[] | string;
  /** Save events not yet delivered when the visitor leaves, for the next page (default true). */
  persist?: boolean;
  /** The Content-Security-Policy nonce the 1Flow SDK's script gets. */
  nonce?: string;
}

/** oneflowDestination()'s options: where the runtime files are served, and default settings. */
export interface OneflowOptions extends OneflowSettings {
  /**
   * Where your site serves the package's assets/ folder (oneflow-web.js, pyscript/, python/, ...):
   * absolute, or relative to the page, such as '/oneflow/0.1.0/'. Required.
   */
  assetsUrl: string;
}

/**
 * The plugin factory, named "1Flow Web (Actions)": in `plugins` it replaces the workspace's remote plugin of
 * that name (called with the workspace's settings); called by hand, it returns the plugin to register.
 */
export interface OneflowPluginFactory extends PluginFactory {
  /** Called with settings (over the defaults given to oneflowDestination()); again with none, the plugin already made. */
  (settings?: OneflowSettings): [Plugin];
  /** Called by Analytics.js with the workspace's settings, whatever they hold (they are checked at run time). */
  (settings: JSONValue): [Plugin];
  pluginName: '1Flow Web (Actions)';
}

/** Makes the plugin factory. Importing the module runs nothing; this needs a page only when the factory is called. */
export function oneflowDestination(options: OneflowOptions): OneflowPluginFactory;

/** `window.oneflowWeb.stats()` before any plugin is made. */
export interface OneflowNoPluginStats {
  state: 'no plugin created yet';
}

/** `window.oneflowWeb.stats()` once the plugin is made (README, "Reliability and security"). */
export interface OneflowPluginStats {
  state: 'loading' | 'ready' | 'failed';
  /** The fault that stopped the destination, if any. */
  error: string | null;
  /** Events held now. */
  pending: number;
  /** The subscriptions that cannot be used, each with its problem. */
  leftOut: { subscription: string; problem: string }[];
  received: number;
  duplicates: number;
  unserialisable: number;
  dropped: number;
  blocked: number;
  saved: number;
  unsaved: number;
  replayed: number;
  handedOver: number;
  /** Once Python runs: the SDK generation found (`object` or `command`; "" while it waits for consent). */
  sdk?: '' | 'object' | 'command';
  /** Once Python runs: events that made a 1Flow call. */
  delivered?: number;
  calls?: number;
  /** Once Python runs: events not sent, by reason ("no consent", "no subscription matched", ...). */
  skipped?: Record<string, number>;
}

export type OneflowStats = OneflowNoPluginStats | OneflowPluginStats;

/** The page-wide hub, `window.oneflowWeb`, made by the first copy of oneflow-web on the page. */
export interface OneflowHub {
  /** The version of the oneflow-web JavaScript that made it. */
  readonly version: string;
  /** The plugin's settings as JSON text; null before a plugin is made. */
  readonly settings: string | null;
  /** Settles when 1Flow is ready, or rejects with the fault that stopped it; null before a plugin is made. */
  readonly started: Promise<void> | null;
  /** Whether a fault stopped the destination. */
  readonly failed: boolean;
  /** Counts and state, for people debugging a site. */
  stats(): OneflowStats;
}

declare global {
  interface Window {
    /** The factory of the first copy of oneflow-web on the page (a script tag's, or the module's once called). */
    '1flowDestination'?: OneflowPluginFactory;
    /** The page-wide hub, once a copy of oneflow-web has installed the destination. */
    oneflowWeb?: OneflowHub;
  }
}

// The destination, installed once per page: the hub (window.oneflowWeb), the page-life
// listeners and the factory Analytics.js calls (window['1flowDestination']). Both entries
// install it (script-tag.js, from where its own tag says dist/ is; module.js, from the
// `assetsUrl` a site passes), and the first to run wins: a page that has both, or two copies
// of either, runs one destination, which every copy's factory hands out.
import { FACTORY, NAME, PREFIX } from './config.js';
import { createHub } from './hub.js';
import { watchPageLife } from './life.js';
import { createPlugin } from './plugin.js';
import { loadSdk } from './sdk.js';

// Whether a copy of the loader has installed the destination on this page already.
export function installed() {
  return Boolean(window.oneflowWeb);
}

// Installs the destination, whose files are at `base` (an absolute URL ending in /), and
// returns its factory. `tag` is the loader's own script tag (null for the module).
export function install(base, tag) {
  var hub = createHub(loadSdk);
  var plugin = null;
  watchPageLife();

  // Analytics.js calls this with the remotePlugins entry's settings; called again with
  // none, it returns the plugin already made.
  function factory(settings) {
    if (!plugin) {
      plugin = createPlugin(settings || {}, base, tag);
    } else if (settings !== undefined && JSON.stringify(settings) !== hub.settings) {
      console.error(PREFIX + ' a second, different configuration was ignored: one page runs one 1Flow destination.');
    }
    return [plugin];
  }
  factory.pluginName = NAME;
  window[FACTORY] = factory;
  return factory;
}

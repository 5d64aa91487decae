// The ES-module entry for bundlers (dist/esm/oneflow-web.mjs):
//   import { oneflowDestination } from '...';
//   AnalyticsBrowser.load({ writeKey, plugins: [oneflowDestination({ assetsUrl: '/oneflow/' })] })
// Importing it runs nothing: a server rendering the page has no window or document, and the
// page's are touched only when Analytics.js (or the site) calls the factory. The runtime files
// (PyScript, the interpreters, our Python) are not in the bundle: the site serves dist/ at
// `assetsUrl`, and they are loaded from there with import()s bundlers leave alone (runtime.js).
import { FACTORY, NAME, PREFIX, VERSION } from './config.js';
import { install, installed } from './install.js';

// `options`: `assetsUrl` (required: where the site serves the contents of dist/, which is the npm
// package's assets/, absolute or relative to the page) and default settings, over which the settings the factory is called
// with go (the workspace's, on the remote-plugin path). Returns a plugin factory, the same as
// window['1flowDestination']: called with settings, it returns [plugin].
export function oneflowDestination(options) {
  var assetsUrl = options && options.assetsUrl;
  if (typeof assetsUrl !== 'string' || !assetsUrl.trim()) {
    throw new Error(PREFIX + ' oneflowDestination() needs `assetsUrl`: the URL where your site serves oneflow-web\'s ' +
      'runtime files (the npm package\'s assets/ folder: oneflow-web.js, pyscript/, python/, ...), such as ' +
      'oneflowDestination({ assetsUrl: \'/oneflow/' + VERSION + '/\', projectApiKey: \'YOUR_1FLOW_APP_ID\' }).');
  }
  var defaults = {};
  Object.keys(options).forEach(function (key) {
    if (key !== 'assetsUrl') defaults[key] = options[key];
  });

  function factory(settings) {
    // Made once per page, by whichever copy comes first (a script tag's too): the others use it.
    var shared = installed() ? window[FACTORY] : install(filesAt(assetsUrl), null);
    if (typeof shared !== 'function') {
      throw new Error(PREFIX + ' window.oneflowWeb exists but window[\'' + FACTORY + '\'] is not a function: ' +
        'another script took the name.');
    }
    // Called again with no settings, once the plugin is made: the plugin already made.
    var again = settings === undefined && window.oneflowWeb.settings !== null;
    return shared(again ? undefined : Object.assign({}, defaults, settings));
  }
  factory.pluginName = NAME;
  return factory;
}

// `assetsUrl` as an absolute URL of a folder.
function filesAt(assetsUrl) {
  var href = new URL(assetsUrl, document.baseURI).href;
  return /\/$/.test(href) ? href : href + '/';
}

// PyScript loads Pyodide through this module (the loader names it as the interpreter).
// It boots Pyodide from the memory snapshot build.py made, with Python already started
// and our package already imported, which saves most of the start-up time.
import { loadPyodide as loadFresh, version } from './pyodide.mjs';

export { version };

export function loadPyodide(options) {
  var url = new URL('snapshot.bin', import.meta.url).href;
  var snapshot = fetch(url).then(function (response) {
    if (!response.ok) throw new Error('Could not load ' + url + ' (HTTP ' + response.status + ')');
    return response.arrayBuffer();
  });
  // loadPyodide reports a failed snapshot itself; this copy must not also surface as an
  // unhandled rejection (in a worker, nothing else would catch it).
  snapshot.catch(function () {});
  return loadFresh(Object.assign({}, options, { _loadSnapshot: snapshot }));
}

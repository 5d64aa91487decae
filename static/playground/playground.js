// The mappings playground: two editors in, the destination's answer out. The answer is made
// in Python, by the function `oneflow-web preview` prints (oneflow_web/explain.py), in an
// interpreter this page starts from dist/; this file only starts it, checks that the editors
// hold JSON (to say where they do not), and draws the answer. Nothing leaves the page.
(function () {
  'use strict';

  var base = new URL('..', document.currentScript.src).href;  // dist/
  // Per runtime: the interpreter, and our package as one file (build.py writes it, as for the
  // loader) with where it goes in Python's file system.
  var RUNTIMES = {
    micropython: { type: 'mpy', label: 'MicroPython', interpreter: 'micropython/micropython.mjs',
      package: 'python/playground.mpy', target: './oneflow_web/__init__.mpy' },
    pyodide: { type: 'py', label: 'Pyodide', interpreter: 'pyodide/pyodide.mjs',
      package: 'python/playground.py', target: './oneflow_web/__init__.py' }
  };
  // PyScript plugins the page does not use (it shows its own errors).
  var PLUGINS = ['!error', '!codemirror', '!deprecations-manager', '!donkey', '!py-editor', '!py-game', '!py-terminal'];
  var START_TIMEOUT_MS = 60000;

  // The presets (build.py writes definition.PRESETS here), and a mapping of the kind people add.
  var PRESETS = [];
  var SUBSCRIPTIONS = PRESETS.concat([
    { name: 'Pricing page views', subscribe: 'type = "page" and name = "Pricing"', partnerAction: 'trackEvent',
      mapping: { event_name: { '@template': 'Viewed {{name}} page' }, userId: { '@path': '$.userId' },
        properties: { '@path': '$.properties' } }, enabled: true }
  ]);

  // Events as analytics-next 1.84 hands them to a destination plugin (ctx.event).
  var CONTEXT = {
    page: { path: '/pricing', referrer: 'https://www.example.com/', search: '', title: 'Pricing | Example',
      url: 'https://www.example.com/pricing' },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    userAgentData: { brands: [{ brand: 'Chromium', version: '142' }, { brand: 'Not_A Brand', version: '99' }],
      mobile: false, platform: 'Linux' },
    locale: 'en-US',
    library: { name: 'analytics.js', version: 'next-1.84.3' },
    timezone: 'Europe/Berlin'
  };
  var IDS = { userId: 'user-123', anonymousId: '2f82398a-b8b1-4a5f-b738-8a8cffada91f' };
  var EXAMPLES = {
    identify: { timestamp: '2026-11-29T09:41:07.112Z', integrations: {}, type: 'identify', userId: IDS.userId,
      traits: { name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro' }, context: CONTEXT,
      messageId: 'ajs-next-1795945267112-f52f8239-8ab8-410a-9fb7-388a8cffada9', anonymousId: IDS.anonymousId },
    track: { timestamp: '2026-11-29T09:42:15.514Z', integrations: {}, event: 'Order Completed', type: 'track',
      properties: { order_id: 'o-1042', total: 42.5, currency: 'EUR', products: [{ sku: 'tee-s', quantity: 2 }] },
      context: CONTEXT, messageId: 'ajs-next-1795945335514-398ab8b1-0a5f-4738-8a8c-ffada91f842d',
      userId: IDS.userId, anonymousId: IDS.anonymousId },
    page: { timestamp: '2026-11-29T09:40:58.521Z', integrations: {}, type: 'page',
      properties: { path: '/pricing', referrer: 'https://www.example.com/', search: '', title: 'Pricing | Example',
        url: 'https://www.example.com/pricing', name: 'Pricing' },
      name: 'Pricing', context: CONTEXT, messageId: 'ajs-next-1795945258521-b8b10a5f-b738-4a8c-bfad-a91f842d464e',
      userId: IDS.userId, anonymousId: IDS.anonymousId }
  };

  var editors = { settings: document.getElementById('settings'), event: document.getElementById('event') };
  var status = document.getElementById('status');
  var inputError = document.getElementById('input-error');
  var engines = {};  // runtime name -> Promise of Python's answer function
  var started = {};  // runtime name -> resolve, until that runtime's Python calls `ready`
  var runs = 0;
  var current = new URLSearchParams(location.search).get('runtime') === 'pyodide' ? 'pyodide' : 'micropython';

  // For tests and for anyone curious: the examples, how many answers were drawn, and when the first was.
  window.oneflowPlayground = {
    examples: EXAMPLES,
    subscriptions: SUBSCRIPTIONS,
    answers: 0,
    firstAnswer: null,  // ms from navigation
    lastAnswerMs: null,  // Python's time for the latest answer
    ready: function (name, answer) { started[name](answer); }
  };

  // One config per interpreter type, before PyScript reads them; an interpreter starts only
  // when the page adds a script of its type (when that runtime is first chosen).
  Object.keys(RUNTIMES).forEach(function (name) {
    var runtime = RUNTIMES[name];
    var files = {};
    files[base + runtime.package] = runtime.target;
    var config = document.createElement(runtime.type + '-config');
    config.textContent = JSON.stringify({ interpreter: base + runtime.interpreter, files: files, plugins: PLUGINS });
    document.head.appendChild(config);
  });
  var pyscript = import(base + 'pyscript/core.js').catch(function (error) {
    throw new Error('PyScript could not be loaded from ' + base + 'pyscript/core.js (' + error.message + ')');
  });

  // An interpreter that cannot start says so as an uncaught error of the page (a missing file,
  // a WebAssembly module that fails): while one is starting, such an error is its answer. It
  // stays the answer for that runtime (PyScript starts an interpreter once per page).
  function engine(name) {
    if (engines[name]) return engines[name];
    var label = RUNTIMES[name].label;
    var fail;
    function failed(event) {
      var error = event.reason || event.error || event;
      fail(new Error(label + ' could not start: ' + (error.message || String(error))));
    }
    function settled() {
      window.removeEventListener('error', failed);
      window.removeEventListener('unhandledrejection', failed);
    }
    engines[name] = new Promise(function (resolve, reject) {
      started[name] = resolve;
      fail = reject;
      window.addEventListener('error', failed);
      window.addEventListener('unhandledrejection', failed);
      setTimeout(function () {
        reject(new Error(label + ' did not start within ' + START_TIMEOUT_MS / 1000 + ' s (the browser console says why)'));
      }, START_TIMEOUT_MS);
      var source = fetch(base + 'playground/playground.py').then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      }).catch(function (error) {
        throw new Error(base + 'playground/playground.py could not be loaded (' + error.message + ')');
      });
      Promise.all([pyscript, source]).then(function (loaded) {
        var script = document.createElement('script');
        script.type = RUNTIMES[name].type;
        script.textContent = loaded[1];
        document.body.appendChild(script);
      }).catch(function (error) {
        reject(new Error(label + ' could not start: ' + error.message));
      });
    });
    engines[name].then(settled, settled);
    return engines[name];
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  function run() {
    var texts = { settings: editors.settings.value, event: editors.event.value };
    var problem = jsonProblem('settings', texts.settings) || jsonProblem('event', texts.event);
    if (problem) return showInputError(problem);
    inputError.hidden = true;
    var runtime = current;
    var ticket = ++runs;
    setStatus(engines[runtime] ? 'Running…' : 'Starting ' + RUNTIMES[runtime].label + '…', 'busy');
    engine(runtime).then(function (answer) {
      if (ticket === runs) answerWith(answer, runtime, texts);  // else a newer run is on its way
    }, function (error) {
      if (ticket === runs) setStatus('No answer: ' + error.message + '. Reload the page to try again.', 'error');
    });
  }

  function answerWith(answer, runtime, texts) {
    var start = performance.now();
    var result;
    try {
      result = JSON.parse(answer(texts.settings, texts.event));
    } catch (error) {  // a bug of ours: the page and the last answer stay
      setStatus('No answer: the engine failed on this input (a bug in oneflow-web: please report it with ' +
        'this input): ' + error.message, 'error');
      return;
    }
    var took = performance.now() - start;
    draw(result);
    var counts = window.oneflowPlayground;
    counts.lastAnswerMs = took;
    if (!counts.answers++) counts.firstAnswer = performance.now();
    setStatus('Answered by ' + RUNTIMES[runtime].label + ' in ' + took.toFixed(1) + ' ms.', 'done');
  }

  // The first place JSON.parse refuses, with where it is. Chromium says where for most faults;
  // for the rest it is the end of the longest prefix JSON.parse could still have accepted.
  function jsonProblem(editor, text) {
    if (editor === 'settings' && !text.trim()) return null;  // empty: the presets
    var message = parseError(text);
    if (message === null) return null;
    var position = positionOf(message);
    if (position === null) {
      var low = 0, high = text.length;
      while (low < high) {
        var middle = Math.ceil((low + high) / 2);
        if (couldContinue(text.slice(0, middle))) low = middle; else high = middle - 1;
      }
      position = low;
    }
    var before = text.slice(0, position).split('\n');
    return {
      editor: editor, position: position, line: before.length, column: before[before.length - 1].length + 1,
      message: message.replace(/ in JSON at position .*$/, '').replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '')
        .replace(/^Unexpected end of JSON input$/, 'The JSON ends too soon').replace("token '\n'", 'line break')
    };
  }

  function parseError(text) {
    try {
      JSON.parse(text);
      return null;
    } catch (error) {
      return error.message;
    }
  }

  function positionOf(message) {
    var found = / at position (\d+)/.exec(message);
    return found ? Number(found[1]) : null;
  }

  function couldContinue(prefix) {
    var message = parseError(prefix);
    if (message === null || /end of JSON input/.test(message)) return true;
    var position = positionOf(message);
    return position !== null && position >= prefix.length;
  }

  function showInputError(problem) {
    var name = problem.editor === 'settings' ? 'settings' : 'event';
    inputError.textContent = 'The ' + name + ' editor does not hold valid JSON: line ' + problem.line + ', column ' +
      problem.column + ': ' + problem.message + '.' +
      (window.oneflowPlayground.answers ? ' The answer below is from the last run.' : '');
    inputError.hidden = false;
    var editor = editors[problem.editor];
    editor.focus();
    editor.setSelectionRange(problem.position, Math.min(problem.position + 1, editor.value.length));
    setStatus('Fix the ' + name + ' JSON, then run again.', 'error');
  }

  var VERDICTS = { 'sends': 'sends', 'not sent': 'not-sent', 'left out': 'left-out', 'disabled': 'disabled' };

  function draw(result) {
    var list = document.getElementById('entries');
    var summary = document.getElementById('summary');
    list.textContent = '';
    summary.textContent = result.summary;
    summary.className = result.problem ? 'problem' : '';
    result.entries.forEach(function (entry) {
      var item = element('li', 'entry ' + VERDICTS[entry.verdict]);
      var head = item.appendChild(element('h3'));
      head.appendChild(element('span', 'badge', entry.verdict));
      head.appendChild(element('span', 'where', entry.where));
      if (entry.action) head.appendChild(element('span', 'action', '→ ' + entry.action));
      if (entry.reason) item.appendChild(element('p', 'reason', entry.reason));
      if (entry.calls.length) {
        entry.calls.forEach(function (call) {
          var shapes = item.appendChild(element('dl', 'call'));
          shapes.appendChild(element('dt', '', '1Flow SDK (2022)'));
          shapes.appendChild(element('dd')).appendChild(element('code', '', call.object));
          shapes.appendChild(element('dt', '', 'newer SDK'));
          shapes.appendChild(element('dd')).appendChild(element('code', '', call.command));
        });
      } else if (entry.details.length) {
        item.appendChild(element('pre', 'details', entry.details.join('\n')));
      }
      if (entry.warning) item.appendChild(element('p', 'warning', 'Warning: ' + entry.warning));
      list.appendChild(item);
    });
    document.getElementById('answer-text').textContent = result.text;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function loadExample(name) {
    editors.event.value = JSON.stringify(EXAMPLES[name], null, 2);
  }

  editors.settings.value = JSON.stringify(SUBSCRIPTIONS, null, 2);
  loadExample('track');
  document.querySelectorAll('[data-example]').forEach(function (button) {
    button.addEventListener('click', function () {
      loadExample(button.getAttribute('data-example'));
      run();
    });
  });
  document.getElementById('run').addEventListener('click', run);
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  document.querySelectorAll('input[name="runtime"]').forEach(function (radio) {
    radio.checked = radio.value === current;
    radio.addEventListener('change', function () {
      current = radio.value;
      var url = new URL(location.href);
      url.searchParams.set('runtime', current);
      history.replaceState(null, '', url);
      run();
    });
  });
  run();
})();

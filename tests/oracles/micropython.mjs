// Runs Python on MicroPython (the npm WebAssembly build PyScript uses) under Node,
// so the pure-Python engine is tested on the lite runtime without a browser.
// Usage: node micropython.mjs <src-dir> < program.py ; the program's stdout is ours.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require.resolve('@micropython/micropython-webassembly-pyscript/package.json');
const dir = pkg.slice(0, -'package.json'.length);
const { loadMicroPython } = await import(join(dir, 'micropython.mjs'));

const srcDir = process.argv[2];
const chunks = [];
const mp = await loadMicroPython({
  url: join(dir, 'micropython.wasm'),
  heapsize: 64 * 1024 * 1024,
  stdout: (line) => chunks.push(line),
  stderr: (line) => process.stderr.write(line + '\n'),
});
mp.FS.mkdir('/lib');
mp.FS.mkdir('/lib/oneflow_web');
for (const name of readdirSync(join(srcDir, 'oneflow_web'))) {
  if (name.endsWith('.py')) {
    mp.FS.writeFile('/lib/oneflow_web/' + name, readFileSync(join(srcDir, 'oneflow_web', name)));
  }
}
try {
  mp.runPython('import sys\nsys.path.append("/lib")\n' + readFileSync(0, 'utf8'));
} catch (error) {
  process.stdout.write(chunks.join('\n'));
  process.stderr.write(String(error && error.message || error) + '\n');
  process.exit(1);
}
process.stdout.write(chunks.join('\n'));

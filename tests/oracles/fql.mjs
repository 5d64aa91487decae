// Oracle for src/oneflow_web/triggers.py: Segment's own trigger (FQL) engine.
// Usage: node fql.mjs < cases.json, where cases is [{"subscribe": str, "event": obj}, ...].
// Prints one result per case, in order:
//   {"ok": false}                   parseFql reported an error
//   {"ok": true, "matches": bool}   validate(ast, event)
//   {"ok": true, "throws": str}     validate itself crashed on this event
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseFql, validate } = require('@segment/destination-subscriptions');

const cases = JSON.parse(readFileSync(0, 'utf8'));
const parsed = new Map();
const results = cases.map(({ subscribe, event }) => {
  if (!parsed.has(subscribe)) parsed.set(subscribe, parseFql(subscribe));
  const ast = parsed.get(subscribe);
  if (ast.error) return { ok: false };
  try {
    return { ok: true, matches: validate(ast, event) };
  } catch (error) {
    return { ok: true, throws: String(error && error.message || error) };
  }
});
process.stdout.write(JSON.stringify(results));

// Oracle for oneflow_web.mapping: runs Segment's own mapping-kit on a batch of cases.
// stdin: JSON list of {"mapping": ..., "data": ...}; stdout: JSON list, one per case, of
// {"ok": true, "output": ..., "valid": ...} or {"ok": false, "error": "...", "valid": ...}
// where "valid" says whether mapping-kit's validate() alone accepts the mapping.
// JSON has no `undefined`: a result that is undefined as a whole comes back as null,
// as do undefined items inside arrays (JSON.stringify's own rule).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { transform } = require('@segment/actions-core/mapping-kit');
const validate = require('@segment/actions-core/mapping-kit/validate').default;

function accepts(mapping) {
  try {
    validate(mapping);
    return true;
  } catch {
    return false;
  }
}

// AggregateError (several validation errors) puts stack traces into its message; keep the lines that say something.
function describe(error) {
  const message = String((error && error.message) || error);
  return message.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('at ')).join(' | ');
}

const cases = JSON.parse(readFileSync(0, 'utf8'));
const results = cases.map(({ mapping, data }) => {
  const valid = accepts(mapping); // before transform, which may fill in defaults in place
  try {
    return { ok: true, output: transform(mapping, data) ?? null, valid };
  } catch (error) {
    return { ok: false, error: describe(error), valid };
  }
});
process.stdout.write(JSON.stringify(results));

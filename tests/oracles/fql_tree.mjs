// Oracle for triggers as Segment's trigger builder writes them: for each condition tree, the text
// the builder saves (generateFql) and validate's answers on the tree itself, event by event.
// Usage: node fql_tree.mjs < cases.json, where cases is [{"tree": {...}, "events": [...]}, ...].
// Prints [{"fql": str, "answers": [bool, ...]}, ...], one per case, in order.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { generateFql, validate } = require('@segment/destination-subscriptions');

const cases = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(({ tree, events }) => ({
  fql: generateFql(tree),
  answers: events.map((event) => validate(tree, event))
}))));

/**
 * The JSON.parse guard's cost (libs/kernel json-parse-guard.ts): the engine's JSON.parse against
 * the guarded parse on the texts Strata parses most, in one process, interleaved in rounds so both
 * see the same machine state. Prints a Markdown table of the median time per parse.
 *
 *   npx tsx --tsconfig tsconfig.base.json bench/json-parse-guard.bench.ts   (BENCH_ROUNDS=15 by default)
 */
import { parseJson } from '@strata/kernel';

const nativeParse = JSON.parse;
const paragraph = 'Strata routes the call.\nIt records usage, "quotes" and a tab\there.\n';

const chatRequest = JSON.stringify({
  model: 'fast',
  messages: [
    { role: 'system', content: paragraph.repeat(10) },
    { role: 'user', content: paragraph.repeat(30) },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
});
const longAnswer = JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, message: { role: 'assistant', content: paragraph.repeat(1_500) } }], usage: { prompt_tokens: 1, completion_tokens: 2 } });
const auditDetails = JSON.stringify({ field: 'name', before: 'a', after: 'b', reason: 'rename', count: 3 });
const manyStrings = JSON.stringify(Array.from({ length: 2_000 }, (_, i) => ({ id: `row-${i}`, text: `line ${i}\nnext` })));
const manyEscapedKeys = JSON.stringify(Array.from({ length: 2_000 }, (_, i) => ({ id: `row-${i}`, 'say "hi"': `line ${i}\nnext` })));
const escapedKey = JSON.stringify({ q: { type: 'string' }, 'say "hi"': { type: 'string' }, notes: paragraph.repeat(30) });

const cases: Array<[string, string]> = [
  ['audit details, no backslash', auditDetails],
  ['chat request, escapes in values', chatRequest],
  ['2,000 small objects, escapes in values', manyStrings],
  ['provider answer, escapes in values', longAnswer],
  ['escaped key (the token parser)', escapedKey],
  ['2,000 small objects, an escaped key each (the token parser)', manyEscapedKeys],
];

function timePerParse(parse: (text: string) => unknown, text: string, budgetMs: number): number {
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs) {
    for (let i = 0; i < 10; i++) parse(text);
    n += 10;
  }
  return ((performance.now() - started) * 1e3) / n; // µs
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 15);

console.log(`JSON.parse guard, ${rounds} rounds of 100 ms per variant and text, Node ${process.version}\n`);
console.log('| text | size | JSON.parse | guarded | added |');
console.log('|---|---|---|---|---|');
for (const [name, text] of cases) {
  const native: number[] = [];
  const guarded: number[] = [];
  timePerParse(nativeParse, text, 200);
  timePerParse((t) => parseJson(t), text, 200);
  for (let round = 0; round < rounds; round++) {
    native.push(timePerParse(nativeParse, text, 100));
    guarded.push(timePerParse((t) => parseJson(t), text, 100));
  }
  const [a, b] = [median(native), median(guarded)];
  const size = text.length >= 1024 ? `${(text.length / 1024).toFixed(1)} KiB` : `${text.length} B`;
  console.log(`| ${name} | ${size} | ${a.toFixed(2)} µs | ${b.toFixed(2)} µs | ${(b - a).toFixed(2)} µs (${((b / a - 1) * 100).toFixed(0)} %) |`);
}

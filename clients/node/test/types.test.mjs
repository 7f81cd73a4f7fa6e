// The typings: report.d.ts is what the schema generates (so it cannot drift from the report),
// and index.d.ts compiles, strictly, with a use of every helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportTypes } from '../scripts/generate-report-types.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

test('report.d.ts is generated from docs/report.schema.json as it is now', async () => {
  const committed = readFileSync(path.join(root, 'report.d.ts'), 'utf8');
  assert.ok(committed === (await reportTypes()), 'report.d.ts is out of date: run `npm run types` in clients/node');
});

test('index.d.ts compiles under tsc --strict with a typed use of the package', () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'test/types/tsconfig.json')], { stdio: 'pipe' });
});

// Writes report.d.ts, the run report's types, from docs/report.schema.json: the schema is the
// contract, so the types are generated from it rather than kept in step by hand. A test compares
// the committed file with this script's output. `npm run types` writes it again.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

export const schemaPath = fileURLToPath(new URL('../../../docs/report.schema.json', import.meta.url));

export async function reportTypes() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  return compile(schema, 'RunReport', {
    bannerComment:
      '// The run report of lambda-emu (`run --report`, each environment of `serve`), generated from\n' +
      '// docs/report.schema.json by scripts/generate-report-types.mjs: do not edit, run `npm run types`.',
    additionalProperties: false,
    format: true,
    strictIndexSignatures: true,
    style: { singleQuote: true, printWidth: 110 },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(await reportTypes());

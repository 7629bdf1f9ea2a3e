#!/usr/bin/env node
// Writes schemas/<name>.json, the JSON Schemas of writeprof's documents, from the zod schemas in
// src/ (through dist/: run `make build` first). `make schemas` runs it; tests/schemas.test.ts
// fails when the committed files differ from what this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { jsonSchemas } = await import(join(root, 'dist', 'gates', 'json-schemas.js'));
const dir = join(root, 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(schema, null, 2) + '\n');
  console.log(`schemas/${name}.json`);
}

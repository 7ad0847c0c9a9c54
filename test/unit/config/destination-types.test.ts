import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemas } from '../../../src/cli/config-sources';
import { BUILT_IN_TYPES, CHUNKED_TYPES, hashedBy } from '../../../src/config/destination-types';
import { adapterTypes } from '../../../scripts/adapter-types.mjs';

// src/config/destination-types.ts is the one list of built-in types: what else names them follows it.
const chunks = new URL('../../../src/chunks/', import.meta.url);

describe('the built-in destination types', () => {
  it('each has its settings schema, and nothing else has one', () => {
    expect(Object.keys(schemas.settings).sort()).toEqual([...BUILT_IN_TYPES].sort());
  });

  it('each that is a file of its own has an entry in src/chunks/ that registers its adapter', () => {
    const entries = readdirSync(chunks).filter((name) => CHUNKED_TYPES.includes(name.replace(/\.ts$/, '')));
    expect(entries.sort()).toEqual(CHUNKED_TYPES.map((type) => `${type}.ts`).sort());
    for (const type of CHUNKED_TYPES)
      expect(readFileSync(new URL(`${type}.ts`, chunks), 'utf8')).toContain(`from '../destinations/${type}'`);
  });

  it('is what the build scripts read', async () => {
    const read = await adapterTypes();
    expect([read.BUILT_IN_TYPES, read.CHUNKED_TYPES]).toEqual([BUILT_IN_TYPES, CHUNKED_TYPES]);
  });

  it('says which paths a type sends only hashed, and none for a type it does not know', () => {
    expect(hashedBy('meta-pixel')).toEqual(['traits.email', 'traits.phone']);
    expect(hashedBy('http')).toEqual([]);
    expect(hashedBy('my-crm')).toEqual([]);
  });
});

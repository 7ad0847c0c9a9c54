import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as configSchemas from '../../../scripts/config-schemas.mjs';

// A build script in plain JavaScript: its one export used here, typed.
const generate = (configSchemas as unknown as { generate(): Promise<{ editor: Schema }> }).generate;

interface Schema {
  $schema?: string;
  properties: Record<
    string,
    { items?: { oneOf?: { properties: { type: { const: string } } }[]; allOf?: unknown[] }; additionalProperties?: unknown }
  >;
}

describe('acquaint.schema.json (for editors)', () => {
  it('describes the whole config: $schema, triggers by type, variables, and each built-in destination type’s settings', async () => {
    const { editor } = await generate();
    expect(editor.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(editor.properties)).toEqual(
      expect.arrayContaining(['$schema', 'version', 'destinations', 'triggers', 'variables', 'tagging']),
    );
    const triggerTypes = editor.properties.triggers!.items!.oneOf!.map((option) => option.properties.type.const);
    expect(triggerTypes).toEqual(['click', 'submit', 'scroll', 'visible', 'timer']);
    expect(editor.properties.destinations!.items!.allOf).toHaveLength(4);
  });

  it('is what the demo config points its editor at', () => {
    const demo = JSON.parse(readFileSync('demo/tags.json', 'utf8')) as { $schema?: string };
    expect(demo.$schema).toBe('../dist/acquaint.schema.json');
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formDefinitionMetaSchema } from '@credo/form-engine';

/*
 * The engine keeps the meta-schema as a TypeScript constant (it must stay free of file IO);
 * schemas/form-definition.schema.json is the published copy. Run with UPDATE_SCHEMAS=1 to rewrite it.
 */
const file = new URL('../../schemas/form-definition.schema.json', import.meta.url);

describe('schemas/form-definition.schema.json', () => {
  it('equals the engine meta-schema', () => {
    const expected = `${JSON.stringify(formDefinitionMetaSchema, null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(file, expected);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(formDefinitionMetaSchema);
  });
});

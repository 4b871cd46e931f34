import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../src/schema.js';
import { projectRoot } from '../src/shared/paths.js';

describe('emitted schema', () => {
  it('matches the committed schema/schema.graphql (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(join(projectRoot(), 'schema', 'schema.graphql'), 'utf8');
    expect(await printAppSchema()).toBe(committed);
  });

  it('gives every type and field a description', async () => {
    const sdl = await printAppSchema();
    const { buildSchema, isObjectType, isInputObjectType } = await import('graphql');
    const schema = buildSchema(sdl);
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || type.name === 'Query' || type.name === 'Mutation') continue;
      if (isObjectType(type) || isInputObjectType(type)) {
        if (!type.description) missing.push(type.name);
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

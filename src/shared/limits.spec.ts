import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isTooManyTokensError, MAX_QUERY_TOKENS, measureOperation } from './limits.js';

function measure(query: string) {
  const document = parse(query, { noLocation: true });
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(document, operation);
}

describe('measureOperation', () => {
  it('counts depth, aliases and fields', () => {
    expect(measure('{ a { b { c } d } e: f }')).toEqual({ depth: 3, aliases: 1, fields: 5 });
  });

  it('expands fragments and inline fragments at the depth of their spread', () => {
    const query = `{ company { ...Parts ... on Company { x: name } } } fragment Parts on Company { financials { fiscalYear } y: id }`;
    expect(measure(query)).toEqual({ depth: 3, aliases: 2, fields: 5 });
  });

  it('measures a fragment bomb (2^40 fields from a few lines) in linear time', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const query = `{ ...F0 }\n${fragments}\nfragment F${levels} on Query { viewer { a: role } }`;
    const started = performance.now();
    const result = measure(query);
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.fields).toBe(2 ** levels * 2);
    expect(result.aliases).toBe(2 ** levels);
    expect(result.depth).toBe(2);
  });

  it('cuts fragment cycles (validation refuses them; the measure must still end)', () => {
    const query = `{ ...A } fragment A on Query { viewer { role } ...B } fragment B on Query { company { name } ...A }`;
    expect(measure(query)).toEqual({ depth: 2, aliases: 0, fields: 4 });
  });

  it('adds no depth for introspection ofType chains', () => {
    expect(measure('{ __type(name: "Company") { fields { type { kind ofType { kind ofType { kind ofType { name } } } } } } }').depth).toBe(4);
  });

  it('counts a spread of an unknown fragment as nothing', () => {
    expect(measure('{ a ...Missing }')).toEqual({ depth: 1, aliases: 0, fields: 1 });
  });
});

describe('token limit', () => {
  it('recognises the graphql-js error of a document over the limit', () => {
    const query = `{ ${Array.from({ length: MAX_QUERY_TOKENS }, (_, i) => `a${i}: b`).join(' ')} }`;
    let message = '';
    try {
      parse(query, { maxTokens: MAX_QUERY_TOKENS });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(isTooManyTokensError(message)).toBe(true);
    expect(isTooManyTokensError('Syntax Error: Expected Name, found <EOF>.')).toBe(false);
  });
});

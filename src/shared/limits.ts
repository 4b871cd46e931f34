import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config.js';

/**
 * Most lexical tokens a GraphQL document may have (graphql-js `parse` option `maxTokens`): the parser
 * stops early, before validation (whose overlapping-fields rule is quadratic) ever runs. GraphiQL's
 * introspection query has a few hundred.
 */
export const MAX_QUERY_TOKENS = 5000;

/** True for the graphql-js error of a document over {@link MAX_QUERY_TOKENS} (mapped to QUERY_TOO_COMPLEX). */
export function isTooManyTokensError(message: string): boolean {
  return /^Syntax Error: Document contains more (?:than|that) \d+ tokens/.test(message);
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

/** What an operation asks for once its fragments are expanded. */
export interface OperationMeasure {
  /** depth of the deepest field path */
  depth: number;
  /** aliased fields */
  aliases: number;
  /** field selections, each spread of a fragment counted again (a lower bound of the cost) */
  fields: number;
}

/**
 * Measures an operation with its fragments expanded. Each fragment is measured once and its measure
 * reused at every spread, so a "fragment bomb" (fragments spreading the next one twice, 2^n fields
 * from a few lines) is measured in linear time; a cyclic spread (which validation refuses anyway)
 * counts as nothing.
 *
 * `ofType` (of introspection's __Type) adds no depth: it is a single object, never a list, and a type
 * is wrapped only a few times, so its chains cannot fan out. GraphiQL's introspection query nests it
 * eight deep; counting it would refuse introspection under any useful depth limit.
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const measured = new Map<string, OperationMeasure>();
  const inProgress = new Set<string>();

  const fragmentMeasure = (name: string): OperationMeasure => {
    const done = measured.get(name);
    if (done) return done;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { depth: 0, aliases: 0, fields: 0 };
    inProgress.add(name);
    const result = walk(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, result);
    return result;
  };

  const walk = (set: SelectionSetNode): OperationMeasure => {
    const total: OperationMeasure = { depth: 0, aliases: 0, fields: 0 };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const child = sel.selectionSet ? walk(sel.selectionSet) : { depth: 0, aliases: 0, fields: 0 };
        total.depth = Math.max(total.depth, (sel.name.value === 'ofType' ? 0 : 1) + child.depth);
        total.aliases += (sel.alias ? 1 : 0) + child.aliases;
        total.fields += 1 + child.fields;
      } else {
        const inner = sel.kind === Kind.INLINE_FRAGMENT ? walk(sel.selectionSet) : fragmentMeasure(sel.name.value);
        total.depth = Math.max(total.depth, inner.depth);
        total.aliases += inner.aliases;
        total.fields += inner.fields;
      }
    }
    return total;
  };
  return walk(operation.selectionSet);
}

/** Lists cost their page size times their items. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  return first !== undefined ? 1 + Math.max(first, 1) * childComplexity : undefined;
};

/**
 * Rejects operations that are too deep, use too many aliases or cost too much (QUERY_TOO_COMPLEX,
 * HTTP 400) before they execute. The cost (graphql-query-complexity: 1 per field, lists times their
 * `first`) is computed only once the expanded field count is known to be within the limit, since
 * that library walks every spread of a fragment again.
 */
export function limitsPlugin(config: Pick<Config, 'maxQueryDepth' | 'maxQueryComplexity' | 'maxAliases'>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const { depth, aliases, fields } = measureOperation(document, operation);
          if (depth > config.maxQueryDepth) throw tooComplex(`query depth ${depth} exceeds the limit of ${config.maxQueryDepth}`);
          if (aliases > config.maxAliases) throw tooComplex(`query uses ${aliases} aliases; the limit is ${config.maxAliases}`);
          if (fields > config.maxQueryComplexity) {
            throw tooComplex(`query selects ${fields} fields once its fragments are expanded; the cost limit is ${config.maxQueryComplexity}`);
          }
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // the variables do not fit their types: the same 400 BAD_USER_INPUT execution would give
            if (error instanceof GraphQLError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
            throw error;
          }
          if (complexity > config.maxQueryComplexity) throw tooComplex(`query cost ${complexity} exceeds the limit of ${config.maxQueryComplexity}`);
        },
      };
    },
  };
}

import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config.js';

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

/** Depth of the deepest field path and number of aliases of an operation (fragments expanded, cycles cut). */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): { depth: number; aliases: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let aliases = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let max = depth;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) aliases += 1;
        if (sel.selectionSet) max = Math.max(max, walk(sel.selectionSet, depth + 1, seen));
        else max = Math.max(max, depth + 1);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, walk(sel.selectionSet, depth, seen));
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (frag && !seen.has(name)) max = Math.max(max, walk(frag.selectionSet, depth, new Set([...seen, name])));
      }
    }
    return max;
  };
  return { depth: walk(operation.selectionSet, 0, new Set()), aliases };
}

/** Lists cost their page size times their items. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  return first !== undefined ? 1 + Math.max(first, 1) * childComplexity : undefined;
};

/** Rejects operations that are too deep, too costly or use too many aliases (QUERY_TOO_COMPLEX). */
export function limitsPlugin(config: Pick<Config, 'maxQueryDepth' | 'maxQueryComplexity' | 'maxAliases'>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const { depth, aliases } = measureOperation(document, operation);
          if (depth > config.maxQueryDepth) throw tooComplex(`query depth ${depth} exceeds the limit of ${config.maxQueryDepth}`);
          if (aliases > config.maxAliases) throw tooComplex(`query uses ${aliases} aliases; the limit is ${config.maxAliases}`);
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > config.maxQueryComplexity) throw tooComplex(`query cost ${complexity} exceeds the limit of ${config.maxQueryComplexity}`);
        },
      };
    },
  };
}

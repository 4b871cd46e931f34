import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError, Kind, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type GraphQLSchema,
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

/** What the limits found for one parsed document (Apollo reuses the parsed document of a query it has seen). */
interface DocumentCosts {
  /** variables the cost depends on: those given to a `first` argument or to a directive's `if` */
  readonly costVariables: readonly string[];
  /** per operation name */
  readonly measures: Map<string, OperationMeasure>;
  /** per operation name and values of the cost variables */
  readonly complexities: Map<string, number>;
}

/** Largest number of remembered complexities per document (one per distinct `first`, usually a handful). */
const COMPLEXITIES_PER_DOCUMENT = 64;

const costsByDocument = new WeakMap<DocumentNode, DocumentCosts>();

function documentCosts(document: DocumentNode): DocumentCosts {
  let costs = costsByDocument.get(document);
  if (!costs) {
    const names = new Set<string>();
    visit(document, {
      Argument(node) {
        if ((node.name.value === 'first' || node.name.value === 'if') && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
      },
    });
    costs = { costVariables: [...names].sort(), measures: new Map(), complexities: new Map() };
    costsByDocument.set(document, costs);
  }
  return costs;
}

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
          // the same document costs the same for the same page sizes and @include/@skip conditions: computed once
          const costs = documentCosts(document);
          const operationKey = request.operationName ?? '';
          let measure = costs.measures.get(operationKey);
          if (!measure) costs.measures.set(operationKey, (measure = measureOperation(document, operation)));
          const { depth, aliases, fields } = measure;
          if (depth > config.maxQueryDepth) throw tooComplex(`query depth ${depth} exceeds the limit of ${config.maxQueryDepth}`);
          if (aliases > config.maxAliases) throw tooComplex(`query uses ${aliases} aliases; the limit is ${config.maxAliases}`);
          if (fields > config.maxQueryComplexity) {
            throw tooComplex(`query selects ${fields} fields once its fragments are expanded; the cost limit is ${config.maxQueryComplexity}`);
          }
          const variables = request.variables ?? {};
          const complexityKey = `${operationKey}\u0000${JSON.stringify(costs.costVariables.map((name) => (name in variables ? variables[name] : '\u0000absent')))}`;
          let complexity = costs.complexities.get(complexityKey);
          if (complexity === undefined) {
            complexity = computeComplexity(schema, document, request.operationName, variables);
            if (costs.complexities.size >= COMPLEXITIES_PER_DOCUMENT) costs.complexities.clear();
            costs.complexities.set(complexityKey, complexity);
          }
          if (complexity > config.maxQueryComplexity) throw tooComplex(`query cost ${complexity} exceeds the limit of ${config.maxQueryComplexity}`);
        },
      };
    },
  };
}

/** graphql-query-complexity's cost of the operation (1 per field, lists times their `first`). */
function computeComplexity(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables,
      estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // the variables do not fit their types: the same 400 BAD_USER_INPUT execution would give
    if (error instanceof GraphQLError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    throw error;
  }
}

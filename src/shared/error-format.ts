/**
 * How errors leave the API: coded errors pass (without stack traces), everything else is masked as
 * INTERNAL_SERVER_ERROR quoting the request id and logged without request data.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { currentRequestId } from './http-edge.js';
import { isTooManyTokensError, MAX_QUERY_TOKENS } from './limits.js';

/** Codes that reach clients as they are: the contract's, and Apollo's request-level ones. */
export const KNOWN_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE',
]);

/** Removes the `params: …` line drizzle puts into the message of a failed query (values may be confidential). */
export function redactQueryParameters(text: string): string {
  return text.replace(/^params: .*$/gm, 'params: [redacted]');
}

/**
 * A log line for an unexpected error: the root cause's name, message and SQLSTATE, the SQL text of a
 * failed query but never its parameter values (they may be confidential), and the stack frames.
 */
export function describeInternalError(error: unknown): string {
  let root: unknown = error;
  let query: string | undefined;
  for (let depth = 0; depth < 5; depth += 1) {
    const current = root as { originalError?: unknown; cause?: unknown; query?: unknown; params?: unknown };
    const failedQuery = typeof current?.query === 'string' && Array.isArray(current.params); // drizzle's DrizzleQueryError
    if (failedQuery && query === undefined) query = current.query as string;
    const next = current instanceof GraphQLError ? current.originalError : failedQuery ? current.cause : undefined;
    if (!next) break;
    root = next;
  }
  if (!(root instanceof Error)) return `non-error thrown: ${typeof root}`;
  const code = (root as { code?: unknown }).code;
  const frames = (root.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [
    `${root.name}: ${redactQueryParameters(root.message)}${typeof code === 'string' ? ` (code ${code})` : ''}`,
    ...(query ? [`  query: ${query}`] : []),
    ...frames,
  ].join('\n');
}

/**
 * Apollo's logger, routed to the console with the request id and without query parameter values
 * (Apollo logs "Unexpected error processing request: …" with the error's message).
 */
export const apolloLogger = {
  debug: () => {},
  info: () => {},
  warn: (message: unknown) => console.warn(`[sdp] apollo (request ${currentRequestId() ?? '-'}): ${redactQueryParameters(String(message))}`),
  error: (message: unknown) => {
    if (process.env.SDP_LOG_ERRORS !== '0') console.error(`[sdp] apollo (request ${currentRequestId() ?? '-'}): ${redactQueryParameters(String(message))}`);
  },
};

/**
 * Keeps coded errors; masks everything else (no stack, no SQL) as INTERNAL_SERVER_ERROR quoting the
 * request id, and logs it with that id. A document over MAX_QUERY_TOKENS is QUERY_TOO_COMPLEX.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  if (code === 'GRAPHQL_PARSE_FAILED' && isTooManyTokensError(formatted.message)) {
    return { message: `query is too large: more than ${MAX_QUERY_TOKENS} tokens`, extensions: { code: 'QUERY_TOO_COMPLEX' } };
  }
  if (code && KNOWN_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // an input coercion error of graphql-js (bad variable or argument) arrives without our code; a
  // scalar's or enum's own GraphQLError may be its originalError
  const coercion = error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError);
  if (coercion && /^Variable "\$|^Argument|^Expected value|^Field ".*" of required type/.test(error.message)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const requestId = currentRequestId();
  if (process.env.SDP_LOG_ERRORS !== '0') {
    console.error(`[sdp] internal error (request ${requestId ?? '-'}${formatted.path ? `, path ${formatted.path.join('.')}` : ''}): ${describeInternalError(error)}`);
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
  };
}

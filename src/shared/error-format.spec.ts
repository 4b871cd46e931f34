import { GraphQLError } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apolloLogger, describeInternalError, formatError, redactQueryParameters } from './error-format.js';
import { requestInfoStorage } from './http-edge.js';

/** A driver error wrapped the way drizzle wraps it, with confidential values among the parameters. */
function failedQuery(): Error {
  const cause = Object.assign(new Error('relation "financials" does not exist'), { code: '42P01' });
  const error = new Error('Failed query: select * from financials where net_sales_yen = $1\nparams: 987654321', { cause });
  return Object.assign(error, { name: 'DrizzleQueryError', query: 'select * from financials where net_sales_yen = $1', params: [987654321] });
}

describe('formatError', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
  });
  afterEach(() => vi.restoreAllMocks());

  it('keeps coded errors and drops their stack traces', () => {
    const formatted = formatError({ message: 'nope', path: ['company', 'employees'], extensions: { code: 'FORBIDDEN', reason: 'NOT_PERMITTED', stacktrace: ['at x'] } }, new GraphQLError('nope'));
    expect(formatted).toEqual({ message: 'nope', path: ['company', 'employees'], extensions: { code: 'FORBIDDEN', reason: 'NOT_PERMITTED' } });
  });

  it('masks unknown errors, quoting the request id, and logs them with it but without parameter values', () => {
    const original = failedQuery();
    const error = new GraphQLError(original.message, { originalError: original });
    const formatted = requestInfoStorage.run({ requestId: 'req-12345678' }, () =>
      formatError({ message: original.message, path: ['company', 'financials'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: Failed query'] } }, error));
    expect(formatted).toEqual({ message: 'Internal server error', path: ['company', 'financials'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-12345678' } });
    expect(JSON.stringify(formatted)).not.toMatch(/select|financials where|987654321|stack/i);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('request req-12345678, path company.financials');
    expect(logged[0]).toContain('relation "financials" does not exist (code 42P01)');
    expect(logged[0]).toContain('query: select * from financials where net_sales_yen = $1');
    expect(logged[0]).not.toContain('987654321');
  });

  it('codes input coercion errors of graphql-js as BAD_USER_INPUT, including enum values of variables', () => {
    const enumError = new GraphQLError('Value "PUBLIC" does not exist in "ConsentScope" enum.');
    const error = new GraphQLError('Variable "$input" got invalid value "PUBLIC" at "input.scopes[0]"; Value "PUBLIC" does not exist in "ConsentScope" enum.', { originalError: enumError });
    expect(formatError({ message: error.message }, error).extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(logged).toEqual([]);
  });

  it('does not take a plain error whose message looks like a coercion error for one', () => {
    const error = new GraphQLError('Argument list too long', { originalError: new Error('Argument list too long') });
    expect(formatError({ message: error.message }, error).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('reports a document over the token limit as QUERY_TOO_COMPLEX', () => {
    const formatted = formatError({ message: 'Syntax Error: Document contains more that 5000 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, new GraphQLError('x'));
    expect(formatted.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX' });
  });
});

describe('describeInternalError', () => {
  it('describes what was thrown when it is not an Error', () => {
    expect(describeInternalError('boom')).toBe('non-error thrown: string');
  });

  it('keeps a failed query\'s message without its parameter values when there is no cause', () => {
    const error = Object.assign(new Error('Failed query: insert into audit_log values ($1)\nparams: supporter-sato,2025'), { query: 'insert into audit_log values ($1)', params: ['supporter-sato', 2025] });
    const line = describeInternalError(error);
    expect(line).toContain('params: [redacted]');
    expect(line).not.toContain('supporter-sato');
    expect(line).toMatch(/^\s+at /m);
  });
});

describe('apolloLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('redacts query parameters from what Apollo logs', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    apolloLogger.error('Unexpected error processing request: Error: Failed query: select 1\nparams: 987654321');
    expect(lines).toEqual(['[sdp] apollo (request -): Unexpected error processing request: Error: Failed query: select 1\nparams: [redacted]']);
    expect(redactQueryParameters('no parameters here')).toBe('no parameters here');
  });
});

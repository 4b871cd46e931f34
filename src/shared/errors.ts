import { GraphQLError } from 'graphql';

/** The error codes of the public contract (extensions.code). */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

function coded(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** Malformed input; `field` names the argument or input field. */
export const badInput = (message: string, field?: string) => coded('BAD_USER_INPUT', message, field ? { field } : {});
export const unauthenticated = (message: string) => coded('UNAUTHENTICATED', message);
export const forbidden = (message: string) => coded('FORBIDDEN', message);
export const notFound = (message: string) => coded('NOT_FOUND', message);
export const conflict = (message: string) => coded('CONFLICT', message);
export const tooComplex = (message: string) => coded('QUERY_TOO_COMPLEX', message);
export const rateLimited = (message: string) => coded('RATE_LIMITED', message);

export function errorCodeOf(error: unknown): string | undefined {
  return error instanceof GraphQLError ? (error.extensions?.code as string | undefined) : undefined;
}

/**
 * The HTTP edge in front of Apollo (express middleware): request ids, bearer-token authentication,
 * rate limiting and clean JSON errors for requests that never reach GraphQL (bad tokens, floods,
 * oversized or malformed bodies). Every refusal is a GraphQL-shaped body
 * `{ "errors": [{ "message", "extensions": { "code", ... } }] }` with a fitting HTTP status.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { GraphQLError } from 'graphql';
import type { TokenVerifier } from './auth/tokens.js';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import { errorCodeOf } from './errors.js';
import type { createRequestRateLimiter } from './rate-limit.js';

/** What the edge knows about the request being served (async-local: formatError and logs read it). */
export interface RequestInfo {
  readonly requestId: string;
}

export const requestInfoStorage = new AsyncLocalStorage<RequestInfo>();

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestInfoStorage.getStore()?.requestId;
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Gives each request an id: the client's `x-request-id` when it looks like one (8–64 of
 * `A-Za-z0-9._:-`), else a new UUID. Echoed in the `x-request-id` response header and quoted by
 * masked internal errors, so a user's report finds the log line.
 */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const offered = req.headers['x-request-id'];
  const requestId = typeof offered === 'string' && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader('x-request-id', requestId);
  requestInfoStorage.run({ requestId }, () => next());
};

/** Sends a GraphQL-shaped error body with an HTTP status (and optional extra headers). */
export function sendEdgeError(res: Response, status: number, message: string, extensions: Record<string, unknown>, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions }] }));
}

/** The viewer the edge authenticated for this request (ANONYMOUS without a token). */
export function viewerOf(res: Response): Viewer {
  return (res.locals.viewer as Viewer | undefined) ?? ANONYMOUS;
}

/**
 * Rate limits and authenticates: the address's bucket first (so floods of forged tokens are limited
 * too), then the token (a refused token → 401 UNAUTHENTICATED with its reason and a
 * `WWW-Authenticate: Bearer error="invalid_token"` header, before any GraphQL work), then the
 * subject's bucket (429 RATE_LIMITED with Retry-After). Stores the viewer in `res.locals.viewer`.
 */
export function authenticateAndLimit(verifier: TokenVerifier, limiter: ReturnType<typeof createRequestRateLimiter>): RequestHandler {
  return async (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const byAddress = limiter.takeAddress(address);
    if (!byAddress.allowed) return sendRateLimited(res, byAddress.retryAfterSeconds);
    let viewer: Viewer;
    try {
      viewer = await verifier.verify(req.headers.authorization);
    } catch (error) {
      if (errorCodeOf(error) !== 'UNAUTHENTICATED') return next(error);
      const { reason } = (error as GraphQLError).extensions;
      return sendEdgeError(res, 401, (error as GraphQLError).message, { code: 'UNAUTHENTICATED', reason }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const bySubject = limiter.takeSubject(viewer.kind === 'USER' ? { sub: viewer.sub } : { address });
    if (!bySubject.allowed) return sendRateLimited(res, bySubject.retryAfterSeconds);
    res.locals.viewer = viewer;
    next();
  };
}

function sendRateLimited(res: Response, retryAfterSeconds: number): void {
  sendEdgeError(res, 429, `too many requests: retry in ${retryAfterSeconds} s`, { code: 'RATE_LIMITED', retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
}

/**
 * Turns body-parser failures into JSON errors (never express's HTML page with a stack): 413 for a
 * body over the limit, 400 for malformed JSON, 415 for an unsupported charset or encoding. The body
 * itself is never echoed.
 */
export const bodyErrorHandler: ErrorRequestHandler = (error: { type?: string; status?: number; limit?: number }, _req, res, next) => {
  switch (error?.type) {
    case 'entity.too.large':
      return sendEdgeError(res, 413, `request body is larger than the limit of ${error.limit ?? 'the server'} bytes`, { code: 'BAD_REQUEST' });
    case 'entity.parse.failed':
      return sendEdgeError(res, 400, 'request body is not valid JSON', { code: 'BAD_REQUEST' });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return sendEdgeError(res, 415, 'request body charset or content encoding is not supported: send UTF-8 JSON', { code: 'BAD_REQUEST' });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return sendEdgeError(res, 400, 'request body could not be read', { code: 'BAD_REQUEST' });
    default:
      return next(error);
  }
};

/**
 * Last resort: any other error escaping a middleware becomes a masked 500 JSON body quoting the
 * request id; the error is logged (without request data) for operators.
 */
export function lastResortErrorHandler(log: (line: string, error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const requestId = currentRequestId();
    log(`[sdp] internal error at the HTTP edge (request ${requestId ?? '-'})`, error);
    sendEdgeError(res, 500, 'Internal server error', { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) });
  };
}

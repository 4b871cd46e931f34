/**
 * Bearer tokens: turning an `Authorization` header into a {@link Viewer}, and the local development
 * signing key behind `sdp token`.
 *
 * Two modes:
 * - OIDC (env OIDC_ISSUER set): tokens are verified against the issuer's JWKS (OIDC_JWKS_URL, else
 *   `jwks_uri` from `<issuer>/.well-known/openid-configuration`, else `<issuer>/.well-known/jwks.json`).
 * - Local (no issuer configured): tokens are verified with the ES256 key kept in
 *   `<dataDir>/auth/local-signing-key.json`, issuer `sdp-local`, audience `sdp`.
 *
 * Claims (contract header): `sub`, `role` (OWNER | SUPPORTER | STAFF | ADMIN), `corporate_number`
 * and/or `company_id` (OWNER), `org_id` (SUPPORTER). Every failure is a GraphQLError with
 * `extensions.code = 'UNAUTHENTICATED'`, `extensions.reason` (an {@link AuthFailureReason}) and
 * `extensions.http.status = 401` (Apollo uses it as the HTTP status and strips it from the body).
 * Messages say what is wrong and never contain the token or anything read from it.
 */
import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphQLError } from 'graphql';
import {
  SignJWT,
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { corporateNumberProblem } from '../../modules/company/corporate-number.js';
import { errorCodeOf, unauthenticated } from '../errors.js';
import { ANONYMOUS, isRole, type Role, type Viewer } from './viewer.js';

/** Issuer of tokens signed with the local development key. */
export const LOCAL_ISSUER = 'sdp-local';
/** Audience of tokens signed with the local development key. */
export const LOCAL_AUDIENCE = 'sdp';
/** Where the local key lives, relative to the data directory. */
export const LOCAL_KEY_RELATIVE_PATH = join('auth', 'local-signing-key.json');
/** Algorithm of the local development key. */
export const LOCAL_KEY_ALGORITHM = 'ES256';
/** Asymmetric JWS algorithms accepted from an OIDC issuer unless configured otherwise. HS* and `none` never are. */
export const DEFAULT_ALLOWED_ALGORITHMS: readonly string[] = Object.freeze(['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519']);
/** Allowed clock skew for exp / nbf / iat, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Longest bearer token accepted (bytes of the compact form); longer ones are refused before parsing. */
export const MAX_TOKEN_LENGTH = 8192;

const SYMMETRIC_OR_UNSIGNED = /^(none|HS\d+)$/i;

// ---------------------------------------------------------------------------------------------
// Errors

/** Why a token was refused (`extensions.reason` of the UNAUTHENTICATED error). */
export type AuthFailureReason =
  | 'MALFORMED_HEADER'
  | 'MALFORMED_TOKEN'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'BAD_SIGNATURE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'WRONG_ISSUER'
  | 'WRONG_AUDIENCE'
  | 'INVALID_CLAIMS'
  | 'KEYS_UNAVAILABLE';

/**
 * An UNAUTHENTICATED GraphQLError for a refused token. `message` must not contain token material;
 * it is prefixed with "Invalid bearer token: ".
 */
export function authenticationError(reason: AuthFailureReason, message: string): GraphQLError {
  const error = unauthenticated(`Invalid bearer token: ${message}`);
  Object.assign(error.extensions, { reason, http: { status: 401 } });
  return error;
}

/** The {@link AuthFailureReason} of an error made by {@link authenticationError}, else undefined. */
export function authFailureReasonOf(error: unknown): AuthFailureReason | undefined {
  if (errorCodeOf(error) !== 'UNAUTHENTICATED') return undefined;
  return (error as GraphQLError).extensions.reason as AuthFailureReason | undefined;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** OIDC issuer settings (env OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL). */
export interface OidcConfig {
  /** Expected `iss`, compared exactly (keep or omit the trailing slash as the issuer does). */
  readonly issuer: string;
  /** Expected `aud` (the token's aud must be or contain it). */
  readonly audience: string;
  /** JWKS endpoint; discovered from the issuer when absent. */
  readonly jwksUrl?: string;
}

/**
 * Reads the OIDC settings from the environment. Returns undefined when OIDC_ISSUER is unset or blank
 * (local development mode). Throws an Error naming the variable when OIDC_ISSUER is set but
 * OIDC_AUDIENCE is missing, or a URL is not https (http is allowed for localhost only).
 */
export function readOidcConfig(env: NodeJS.ProcessEnv = process.env): OidcConfig | undefined {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const audience = env.OIDC_AUDIENCE?.trim();
  if (!audience) throw new Error('OIDC_AUDIENCE must be set when OIDC_ISSUER is set (the audience tokens are issued for)');
  const jwksUrl = env.OIDC_JWKS_URL?.trim() || undefined;
  const config: OidcConfig = { issuer, audience, ...(jwksUrl ? { jwksUrl } : {}) };
  assertValidOidcConfig(config);
  return config;
}

function assertValidOidcConfig(config: OidcConfig): void {
  assertSafeUrl(config.issuer, 'OIDC_ISSUER');
  if (config.jwksUrl !== undefined) assertSafeUrl(config.jwksUrl, 'OIDC_JWKS_URL');
  if (!config.audience) throw new Error('OIDC audience must not be empty');
}

function assertSafeUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not a URL: ${value}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error(`${name} must be an https URL (http only for localhost): ${value}`);
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

// ---------------------------------------------------------------------------------------------
// Claims

/** The identity claims of a token, in the shape callers use (camelCase). */
export interface IdentityClaims {
  readonly role: Role;
  readonly sub?: string;
  readonly corporateNumber?: string;
  readonly companyId?: string;
  readonly organizationId?: string;
}

/** Whether an OWNER token naming no company is accepted (as an unbound owner) or refused. */
export type UnboundOwnerPolicy = 'allow' | 'reject';

const MAX_ID_LENGTH = 256;

function readOptionalStringClaim(payload: JWTPayload, name: string, problems: string[]): string | undefined {
  const value = payload[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) {
    problems.push(`the ${name} claim must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    return undefined;
  }
  return value;
}

/**
 * Maps a verified JWT payload to a Viewer. Throws UNAUTHENTICATED (reason INVALID_CLAIMS) listing
 * every problem: missing/blank sub, unknown role, OWNER without corporate_number/company_id (when
 * `unboundOwners` is 'reject'), a corporate_number that is not a valid 法人番号, SUPPORTER without
 * org_id. Claims that do not apply to the role are ignored.
 */
export function viewerFromClaims(payload: JWTPayload, unboundOwners: UnboundOwnerPolicy = 'allow'): Viewer {
  const problems: string[] = [];
  const sub = readOptionalStringClaim(payload, 'sub', problems);
  if (sub === undefined && !problems.length) problems.push('the sub claim is missing');
  const role = payload.role;
  if (role === undefined || role === null) problems.push('the role claim is missing');
  else if (!isRole(role)) problems.push('the role claim must be one of OWNER, SUPPORTER, STAFF, ADMIN');

  let viewer: Viewer | undefined;
  if (isRole(role) && sub !== undefined) {
    switch (role) {
      case 'OWNER': {
        const corporateNumber = readOptionalStringClaim(payload, 'corporate_number', problems);
        const companyId = readOptionalStringClaim(payload, 'company_id', problems);
        const corporateNumberIssue = corporateNumber === undefined ? null : corporateNumberProblem(corporateNumber);
        if (corporateNumberIssue) problems.push(`the corporate_number claim is not a valid 法人番号 (${describeProblem(corporateNumberIssue)})`);
        const named = payload.corporate_number != null || payload.company_id != null;
        if (!named && unboundOwners === 'reject') problems.push('an OWNER token needs a corporate_number or company_id claim');
        viewer = {
          kind: 'USER',
          role,
          sub,
          ...(corporateNumber !== undefined ? { corporateNumber } : {}),
          ...(companyId !== undefined ? { companyId } : {}),
        };
        break;
      }
      case 'SUPPORTER': {
        const organizationId = readOptionalStringClaim(payload, 'org_id', problems);
        if (organizationId === undefined) {
          if (payload.org_id == null) problems.push('a SUPPORTER token needs an org_id claim');
        } else {
          viewer = { kind: 'USER', role, sub, organizationId };
        }
        break;
      }
      case 'STAFF':
      case 'ADMIN':
        viewer = { kind: 'USER', role, sub };
        break;
    }
  }
  if (problems.length || viewer === undefined) throw authenticationError('INVALID_CLAIMS', problems.join('; '));
  return Object.freeze(viewer);
}

function describeProblem(problem: NonNullable<ReturnType<typeof corporateNumberProblem>>): string {
  switch (problem) {
    case 'LENGTH':
      return 'not 13 characters';
    case 'NON_DIGIT':
      return 'not all digits';
    case 'CHECK_DIGIT':
      return 'wrong check digit';
  }
}

// ---------------------------------------------------------------------------------------------
// Authorization header

/**
 * Extracts the token of an `Authorization: Bearer <token>` header. Returns undefined when the header
 * is absent or blank (anonymous). Throws UNAUTHENTICATED (MALFORMED_HEADER) for another scheme or a
 * missing token, and (MALFORMED_TOKEN) when the token is too long or not three base64url parts.
 * The scheme is case-insensitive (RFC 7235).
 */
export function parseBearerToken(authorizationHeader: string | undefined): string | undefined {
  if (authorizationHeader === undefined || authorizationHeader.trim() === '') return undefined;
  const match = /^\s*Bearer +(\S+)\s*$/i.exec(authorizationHeader);
  if (!match) throw authenticationError('MALFORMED_HEADER', 'the Authorization header must be "Bearer <JWT>"');
  const token = match[1]!;
  if (token.length > MAX_TOKEN_LENGTH) throw authenticationError('MALFORMED_TOKEN', `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw authenticationError('MALFORMED_TOKEN', 'the token is not a compact JWT (three base64url parts separated by dots)');
  }
  return token;
}

// ---------------------------------------------------------------------------------------------
// Local development key

/** The local development signing key (ES256) and the issuer/audience of the tokens it signs. */
export interface LocalSigningKey {
  /** JWK thumbprint of the public key; set as `kid` in token headers. */
  readonly kid: string;
  readonly alg: typeof LOCAL_KEY_ALGORITHM;
  readonly issuer: typeof LOCAL_ISSUER;
  readonly audience: typeof LOCAL_AUDIENCE;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Public JWK (kid, alg, use) — what a dev `/.well-known/jwks.json` would publish. */
  readonly publicJwk: JWK;
  /** Absolute or dataDir-relative path of the key file. */
  readonly path: string;
}

/** The public half of a local key: enough to verify, not to sign. */
export type LocalVerificationKey = Pick<LocalSigningKey, 'alg' | 'issuer' | 'audience' | 'publicKey'>;

/**
 * Loads the local development signing key from `<dataDir>/auth/local-signing-key.json`, creating it
 * (ES256 private JWK, file mode 0600, directory 0700) when absent.
 *
 * Creation is atomic and race-safe: the key is written and fsynced to a temporary file, then
 * published with link(2), which fails when the file already exists; the loser discards its key and
 * every caller reads back the file that won, so concurrent processes always end up with the same key.
 * (On a filesystem without hard links it falls back to rename(2) and re-reads the result.)
 * An existing file readable by group/others is tightened to 0600. A corrupt file is an Error (never
 * silently replaced: tokens signed with it would stop working).
 */
export async function loadOrCreateLocalKey(dataDir: string): Promise<LocalSigningKey> {
  const dir = join(dataDir, 'auth');
  const path = join(dataDir, LOCAL_KEY_RELATIVE_PATH);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await readLocalKeyIfPresent(path);
  if (existing) return existing;

  const { privateKey } = await generateKeyPair(LOCAL_KEY_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPartOf(jwk));
  const fileJwk: JWK = { ...jwk, kid, alg: LOCAL_KEY_ALGORITHM, use: 'sig' };
  const temporary = join(dir, `.local-signing-key.${process.pid}.${randomUUID()}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(fileJwk, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      // Another process published its key first: use that one.
    } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      await rename(temporary, path);
    } else {
      throw error;
    }
  } finally {
    await rm(temporary, { force: true });
  }
  const published = await readLocalKeyIfPresent(path);
  if (!published) throw new Error(`the local signing key vanished right after it was written: ${path}`);
  return published;
}

async function readLocalKeyIfPresent(path: string): Promise<LocalSigningKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32') {
    const { mode } = await stat(path);
    // Best effort: a file we do not own cannot be tightened, and is still usable for development.
    if (mode & 0o077) await chmod(path, 0o600).catch(() => undefined);
  }
  const broken = (why: string) =>
    new Error(`${path} is not a valid local signing key (${why}); delete it to create a new one (tokens signed with the old key will stop working)`);
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw broken('not JSON');
  }
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
    throw broken('expected an EC P-256 private JWK');
  }
  try {
    const publicJwkBase = publicPartOf(jwk);
    const kid = await calculateJwkThumbprint(publicJwkBase);
    const privateKey = (await importJWK({ ...jwk, ext: false }, LOCAL_KEY_ALGORITHM)) as CryptoKey;
    const publicKey = (await importJWK(publicJwkBase, LOCAL_KEY_ALGORITHM)) as CryptoKey;
    return Object.freeze({
      kid,
      alg: LOCAL_KEY_ALGORITHM,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      privateKey,
      publicKey,
      publicJwk: Object.freeze({ ...publicJwkBase, kid, alg: LOCAL_KEY_ALGORITHM, use: 'sig' }),
      path,
    });
  } catch {
    throw broken('the key material does not import');
  }
}

function publicPartOf(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/** Claims of a token signed by {@link signLocalToken}; `sub` defaults to a readable local id. */
export type LocalTokenClaims = IdentityClaims;

/**
 * Signs a token with the local development key (used by `sdp token`). `ttl` is a jose time span
 * ('1h', '30m', '7d'; a negative span such as '-1h' yields an already expired token) or a number of
 * seconds. The claims are checked the way the verifier checks them; a wrong combination (SUPPORTER
 * without organizationId, organizationId on an OWNER, an invalid 法人番号...) throws an Error.
 * Default `sub`: `local-owner-cn-<法人番号>`, `local-owner-id-<companyId>`, `local-owner-<uuid>` for
 * an unbound owner, `local-supporter-<org>`, `local-staff`, `local-admin`.
 */
export async function signLocalToken(key: LocalSigningKey, claims: LocalTokenClaims, ttl: string | number = '1h'): Promise<string> {
  const payload = localTokenPayload(claims);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(key.issuer)
    .setAudience(key.audience)
    .setIssuedAt()
    .setJti(randomUUID());
  if (typeof ttl === 'number') {
    if (!Number.isFinite(ttl)) throw new Error(`ttl must be a finite number of seconds, got ${ttl}`);
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + Math.trunc(ttl));
  } else {
    jwt.setExpirationTime(ttl);
  }
  return jwt.sign(key.privateKey);
}

function localTokenPayload(claims: LocalTokenClaims): JWTPayload {
  if (!isRole(claims.role)) throw new Error(`role must be one of OWNER, SUPPORTER, STAFF, ADMIN, got ${String(claims.role)}`);
  const misplaced = (field: keyof IdentityClaims, roles: string) => {
    if (claims[field] !== undefined) throw new Error(`${field} only applies to ${roles} tokens, not ${claims.role}`);
  };
  const payload: JWTPayload = { role: claims.role };
  switch (claims.role) {
    case 'OWNER': {
      misplaced('organizationId', 'SUPPORTER');
      if (claims.corporateNumber !== undefined) {
        const problem = corporateNumberProblem(claims.corporateNumber);
        if (problem) throw new Error(`corporateNumber is not a valid 法人番号 (${describeProblem(problem)})`);
        payload.corporate_number = claims.corporateNumber;
      }
      if (claims.companyId !== undefined) payload.company_id = claims.companyId;
      payload.sub =
        claims.sub ??
        (claims.corporateNumber !== undefined
          ? `local-owner-cn-${claims.corporateNumber}`
          : claims.companyId !== undefined
            ? `local-owner-id-${claims.companyId}`
            : `local-owner-${randomUUID()}`);
      break;
    }
    case 'SUPPORTER':
      misplaced('corporateNumber', 'OWNER');
      misplaced('companyId', 'OWNER');
      if (claims.organizationId === undefined) throw new Error('a SUPPORTER token needs organizationId (the 支援機関 it acts for)');
      payload.org_id = claims.organizationId;
      payload.sub = claims.sub ?? `local-supporter-${claims.organizationId}`;
      break;
    case 'STAFF':
    case 'ADMIN':
      misplaced('corporateNumber', 'OWNER');
      misplaced('companyId', 'OWNER');
      misplaced('organizationId', 'SUPPORTER');
      payload.sub = claims.sub ?? `local-${claims.role.toLowerCase()}`;
      break;
  }
  try {
    viewerFromClaims(payload, 'allow');
  } catch (error) {
    throw new Error(`cannot sign these claims: ${(error as Error).message.replace(/^Invalid bearer token: /, '')}`);
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Verifier

/** Options shared by both verifier modes. */
export interface TokenVerifierOptions {
  /** Accepted JWS algorithms in OIDC mode (default {@link DEFAULT_ALLOWED_ALGORITHMS}); `none` and HS* are always refused. */
  readonly algorithms?: readonly string[];
  /** Clock skew tolerated on exp/nbf/iat (default 30 s). */
  readonly clockToleranceSeconds?: number;
  /**
   * OWNER tokens naming no company: 'allow' (default) yields an unbound OWNER viewer, which owns
   * nothing until the server binds it (the contract's registerSoleProprietor path); 'reject' refuses
   * them with INVALID_CLAIMS.
   */
  readonly unboundOwners?: UnboundOwnerPolicy;
  /** Timeout of OIDC discovery and JWKS fetches, ms (default 5000). */
  readonly fetchTimeoutMs?: number;
}

/** What to verify against: an OIDC issuer, or else the local key. */
export interface TokenVerifierConfig extends TokenVerifierOptions {
  readonly oidc?: OidcConfig;
  readonly localKey?: LocalVerificationKey;
}

/** Verifies `Authorization` headers. */
export interface TokenVerifier {
  readonly mode: 'oidc' | 'local';
  readonly issuer: string;
  readonly audience: string;
  /**
   * No (or blank) header → {@link ANONYMOUS}. A valid token → the viewer its claims describe.
   * Anything else rejects with an UNAUTHENTICATED GraphQLError (see {@link AuthFailureReason}).
   */
  verify(authorizationHeader: string | undefined): Promise<Viewer>;
}

/** How long a verified token is reused without checking its signature again, and how many are kept. */
export const VERIFIED_TOKEN_TTL_MS = 5 * 60_000;
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Tokens that verified, with their viewer: a client sends the same token with every request, and checking an ES256
 * signature costs about 0.15 ms of CPU each time. An entry is used until the token expires (its `exp`, plus the
 * clock tolerance, as jose checks it) and for at most {@link VERIFIED_TOKEN_TTL_MS}, so a signing key the issuer
 * withdraws stops being honoured within that time. Only successes are kept; the oldest entry goes when full.
 */
class VerifiedTokenCache {
  private readonly entries = new Map<string, { viewer: Viewer; until: number }>();

  constructor(private readonly clockToleranceSeconds: number) {}

  get(token: string, now = Date.now()): Viewer | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (now < entry.until) return entry.viewer;
    this.entries.delete(token);
    return null;
  }

  set(token: string, viewer: Viewer, exp: number, now = Date.now()): void {
    // jose accepts a token while now <= exp + tolerance (whole seconds)
    const until = Math.min(now + VERIFIED_TOKEN_TTL_MS, (exp + this.clockToleranceSeconds) * 1000);
    if (until <= now) return;
    if (this.entries.size >= VERIFIED_TOKEN_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { viewer: Object.freeze(viewer), until });
  }
}

/**
 * Creates a token verifier. With `oidc` it verifies against the issuer's remote JWKS
 * (`createRemoteJWKSet`, cached and refreshed by jose on unknown `kid`); otherwise with `localKey`
 * (only ES256 accepted). Throws an Error when neither is given or the OIDC URLs are unsafe.
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  const clockTolerance = config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const unboundOwners = config.unboundOwners ?? 'allow';
  const fetchTimeoutMs = config.fetchTimeoutMs ?? 5000;
  let mode: TokenVerifier['mode'];
  let issuer: string;
  let audience: string;
  let algorithms: string[];
  let key: CryptoKey | JWTVerifyGetKey;

  if (config.oidc) {
    assertValidOidcConfig(config.oidc);
    mode = 'oidc';
    ({ issuer, audience } = config.oidc);
    algorithms = [...(config.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS)].filter((alg) => !SYMMETRIC_OR_UNSIGNED.test(alg));
    if (!algorithms.length) throw new Error('no asymmetric JWS algorithm is allowed: check the algorithms option');
    key = remoteKeyResolver(config.oidc, fetchTimeoutMs);
  } else if (config.localKey) {
    mode = 'local';
    ({ issuer, audience } = config.localKey);
    algorithms = [config.localKey.alg];
    key = config.localKey.publicKey;
  } else {
    throw new Error('createTokenVerifier needs an OIDC issuer or a local key');
  }

  const verified = new VerifiedTokenCache(clockTolerance);

  async function verify(authorizationHeader: string | undefined): Promise<Viewer> {
    const token = parseBearerToken(authorizationHeader);
    if (token === undefined) return ANONYMOUS;
    const known = verified.get(token);
    if (known) return known;
    assertAlgorithmAllowed(token, algorithms);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        issuer,
        audience,
        algorithms,
        clockTolerance,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw toAuthenticationError(error, { issuer, audience, algorithms });
    }
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + clockTolerance) {
      throw authenticationError('TOKEN_NOT_YET_VALID', 'the token was issued in the future (iat)');
    }
    const viewer = viewerFromClaims(payload, unboundOwners);
    verified.set(token, viewer, payload.exp!);
    return viewer;
  }

  return Object.freeze({ mode, issuer, audience, verify });
}

/**
 * Creates the verifier the environment asks for: OIDC when OIDC_ISSUER is set (see
 * {@link readOidcConfig}), else local mode with the key from {@link loadOrCreateLocalKey}(dataDir).
 */
export async function createTokenVerifierFromEnv(
  options: TokenVerifierOptions & { readonly dataDir: string; readonly env?: NodeJS.ProcessEnv },
): Promise<TokenVerifier> {
  const { dataDir, env, ...verifierOptions } = options;
  const oidc = readOidcConfig(env ?? process.env);
  if (oidc) return createTokenVerifier({ ...verifierOptions, oidc });
  return createTokenVerifier({ ...verifierOptions, localKey: await loadOrCreateLocalKey(dataDir) });
}

function assertAlgorithmAllowed(token: string, algorithms: readonly string[]): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw authenticationError('MALFORMED_TOKEN', 'the token header is not base64url-encoded JSON');
  }
  if (typeof alg !== 'string' || alg === '') throw authenticationError('MALFORMED_TOKEN', 'the token header has no alg');
  if (alg.toLowerCase() === 'none') throw authenticationError('ALGORITHM_NOT_ALLOWED', 'unsigned tokens (alg "none") are not accepted');
  if (!algorithms.includes(alg)) {
    throw authenticationError('ALGORITHM_NOT_ALLOWED', `the token's signing algorithm is not accepted (accepted: ${algorithms.join(', ')})`);
  }
}

function toAuthenticationError(
  error: unknown,
  expected: { issuer: string; audience: string; algorithms: readonly string[] },
): GraphQLError {
  if (errorCodeOf(error) === 'UNAUTHENTICATED') return error as GraphQLError;
  if (error instanceof joseErrors.JWTExpired) return authenticationError('TOKEN_EXPIRED', 'the token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const { claim, reason } = error;
    if (reason === 'missing') return authenticationError('INVALID_CLAIMS', `the ${claim} claim is missing`);
    switch (claim) {
      case 'nbf':
        return authenticationError('TOKEN_NOT_YET_VALID', 'the token is not valid yet (nbf is in the future)');
      case 'iat':
        return reason === 'check_failed'
          ? authenticationError('TOKEN_NOT_YET_VALID', 'the token was issued in the future (iat)')
          : authenticationError('INVALID_CLAIMS', 'the iat claim is not a number');
      case 'iss':
        return authenticationError('WRONG_ISSUER', `the token was not issued by the expected issuer ${expected.issuer}`);
      case 'aud':
        return authenticationError('WRONG_AUDIENCE', `the token is not meant for this API (its audience must include ${expected.audience})`);
      default:
        return authenticationError('INVALID_CLAIMS', `the ${claim} claim is invalid`);
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return authenticationError('ALGORITHM_NOT_ALLOWED', `the token's signing algorithm is not accepted (accepted: ${expected.algorithms.join(', ')})`);
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return authenticationError('BAD_SIGNATURE', 'the token signature does not verify with the issuer key');
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return authenticationError('BAD_SIGNATURE', 'no signing key of the issuer matches the token');
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || error instanceof KeysUnavailableError) {
    return authenticationError('KEYS_UNAVAILABLE', "the identity provider's signing keys could not be fetched; try again later");
  }
  if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid) {
    return authenticationError('MALFORMED_TOKEN', 'the token is not a well-formed signed JWT');
  }
  if (error instanceof joseErrors.JOSENotSupported || error instanceof joseErrors.JWKInvalid) {
    return authenticationError('BAD_SIGNATURE', 'the token cannot be verified with the issuer key (unsupported key or header)');
  }
  if (error instanceof joseErrors.JOSEError && error.code !== joseErrors.JOSEError.code) {
    return authenticationError('BAD_SIGNATURE', 'the token could not be verified');
  }
  // A plain JOSEError (JWKS endpoint answered non-200 or non-JSON) or a fetch() failure
  // (TypeError, AbortError) means the issuer's keys are out of reach.
  return authenticationError('KEYS_UNAVAILABLE', "the identity provider's signing keys could not be fetched; try again later");
}

/** The JWKS of the OIDC issuer could not be located (discovery failed); retried on the next request. */
class KeysUnavailableError extends Error {}

/**
 * Lazily resolves the JWKS URL (configured, discovered, or `<issuer>/.well-known/jwks.json`) once and
 * delegates to jose's remote JWKS set. A discovery that fails on the network is not memoised, so the
 * next request retries; an HTTP answer without `jwks_uri` falls back to the conventional path.
 */
function remoteKeyResolver(oidc: OidcConfig, fetchTimeoutMs: number): JWTVerifyGetKey {
  let jwksPromise: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const jwks = () => {
    if (!jwksPromise) {
      const pending = resolveJwksUrl(oidc, fetchTimeoutMs).then((url) => createRemoteJWKSet(url, { timeoutDuration: fetchTimeoutMs }));
      pending.catch(() => {
        if (jwksPromise === pending) jwksPromise = undefined;
      });
      jwksPromise = pending;
    }
    return jwksPromise;
  };
  return async (header, token) => (await jwks())(header, token);
}

async function resolveJwksUrl(oidc: OidcConfig, fetchTimeoutMs: number): Promise<URL> {
  if (oidc.jwksUrl) return new URL(oidc.jwksUrl);
  const base = oidc.issuer.replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}/.well-known/openid-configuration`, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(fetchTimeoutMs),
    });
  } catch {
    throw new KeysUnavailableError('OIDC discovery failed');
  }
  if (response.ok) {
    let document: unknown;
    try {
      document = await response.json();
    } catch {
      document = undefined;
    }
    if (document && typeof document === 'object') {
      const { issuer, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
      if (issuer !== undefined && issuer !== oidc.issuer) {
        throw new KeysUnavailableError('the discovery document names another issuer');
      }
      if (typeof jwksUri === 'string') {
        try {
          return assertSafeUrl(jwksUri, 'jwks_uri');
        } catch {
          throw new KeysUnavailableError('the discovered jwks_uri is not an https URL');
        }
      }
    }
  } else {
    await response.body?.cancel();
  }
  return new URL(`${base}/.well-known/jwks.json`);
}

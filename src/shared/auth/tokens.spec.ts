import { mkdtemp, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import { CompactSign, SignJWT, base64url, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  authFailureReasonOf,
  createTokenVerifier,
  createTokenVerifierFromEnv,
  loadOrCreateLocalKey,
  parseBearerToken,
  readOidcConfig,
  signLocalToken,
  viewerFromClaims,
  type AuthFailureReason,
  type LocalSigningKey,
  type TokenVerifier,
} from './tokens.js';
import { ANONYMOUS } from './viewer.js';

const CORPORATE_NUMBER = '1180301018771'; // a valid 法人番号 (check digit 1)
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sdp-auth-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs `verify` and returns the UNAUTHENTICATED error it must throw, checking the token is not echoed. */
async function refusal(verifier: TokenVerifier, header: string): Promise<GraphQLError> {
  const error = await verifier.verify(header).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'verify should have rejected').toBeInstanceOf(GraphQLError);
  const graphQLError = error as GraphQLError;
  expect(graphQLError.extensions.code).toBe('UNAUTHENTICATED');
  expect(graphQLError.extensions.http).toEqual({ status: 401 });
  const token = header.replace(/^Bearer\s+/i, '');
  for (const part of token.split('.').filter((p) => p.length > 8)) expect(graphQLError.message).not.toContain(part);
  return graphQLError;
}

async function expectRefused(verifier: TokenVerifier, header: string, reason: AuthFailureReason, message: RegExp): Promise<void> {
  const error = await refusal(verifier, header);
  expect(authFailureReasonOf(error)).toBe(reason);
  expect(error.message).toMatch(message);
}

/** A token signed with the local key but with hand-picked claims and header. */
function craft(key: LocalSigningKey, payload: JWTPayload, edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt): Promise<string> {
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setIssuedAt().setExpirationTime('1h');
  return edit(jwt).sign(key.privateKey);
}

function unsignedToken(payload: JWTPayload): string {
  const encode = (value: object) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

describe('parseBearerToken', () => {
  it('treats a missing or blank header as anonymous', () => {
    expect(parseBearerToken(undefined)).toBeUndefined();
    expect(parseBearerToken('')).toBeUndefined();
    expect(parseBearerToken('   ')).toBeUndefined();
  });

  it('accepts the scheme in any case and trims whitespace', () => {
    expect(parseBearerToken('bearer a.b.c')).toBe('a.b.c');
    expect(parseBearerToken('  BEARER   aa.bb.cc  ')).toBe('aa.bb.cc');
  });

  it.each([
    ['Basic dXNlcjpwYXNz', 'MALFORMED_HEADER'],
    ['Bearer', 'MALFORMED_HEADER'],
    ['Bearer a.b.c d', 'MALFORMED_HEADER'],
    ['a.b.c', 'MALFORMED_HEADER'],
    ['Bearer not-a-jwt', 'MALFORMED_TOKEN'],
    ['Bearer a.b', 'MALFORMED_TOKEN'],
    ['Bearer a.b.c.d', 'MALFORMED_TOKEN'],
    ['Bearer a+b.c/d.e=', 'MALFORMED_TOKEN'],
    [`Bearer ${'a'.repeat(9000)}.b.c`, 'MALFORMED_TOKEN'],
  ] as const)('refuses %j as %s', (header, reason) => {
    let thrown: unknown;
    try {
      parseBearerToken(header);
    } catch (error) {
      thrown = error;
    }
    expect(authFailureReasonOf(thrown)).toBe(reason);
  });
});

describe('loadOrCreateLocalKey', () => {
  it('creates an ES256 private JWK with mode 0600 and loads the same key afterwards', async () => {
    const dir = await tempDir();
    const created = await loadOrCreateLocalKey(dir);
    const path = join(dir, 'auth', 'local-signing-key.json');
    expect(created.path).toBe(path);
    expect(created.alg).toBe('ES256');
    expect(created.issuer).toBe('sdp-local');
    expect(created.audience).toBe('sdp');
    const jwk = JSON.parse(await readFile(path, 'utf8')) as JWK;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: created.kid, alg: 'ES256', use: 'sig' });
    expect(typeof jwk.d).toBe('string');
    expect(created.publicJwk.d).toBeUndefined();
    if (process.platform !== 'win32') {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'auth'))).mode & 0o077).toBe(0);
    }
    const loaded = await loadOrCreateLocalKey(dir);
    expect(loaded.kid).toBe(created.kid);
    const token = await signLocalToken(created, { role: 'STAFF' });
    await expect(createTokenVerifier({ localKey: loaded }).verify(`Bearer ${token}`)).resolves.toMatchObject({ role: 'STAFF' });
  });

  it('gives every concurrent caller the same key and leaves no temporary files', async () => {
    const dir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 12 }, () => loadOrCreateLocalKey(dir)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await readdir(join(dir, 'auth'))).toEqual(['local-signing-key.json']);
  });

  it('tightens a key file readable by others to 0600', async () => {
    if (process.platform === 'win32') return;
    const dir = await tempDir();
    const key = await loadOrCreateLocalKey(dir);
    const { chmod } = await import('node:fs/promises');
    await chmod(key.path, 0o644);
    await loadOrCreateLocalKey(dir);
    expect((await stat(key.path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt key file instead of replacing it', async () => {
    const dir = await tempDir();
    const key = await loadOrCreateLocalKey(dir);
    await writeFile(key.path, '{"kty":"RSA"}');
    await expect(loadOrCreateLocalKey(dir)).rejects.toThrow(/not a valid local signing key.*delete it/);
    await writeFile(key.path, 'not json');
    await expect(loadOrCreateLocalKey(dir)).rejects.toThrow(/not JSON/);
    expect(await readFile(key.path, 'utf8')).toBe('not json');
  });
});

describe('local mode', () => {
  let key: LocalSigningKey;
  let otherKey: LocalSigningKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    key = await loadOrCreateLocalKey(await tempDir());
    otherKey = await loadOrCreateLocalKey(await tempDir());
    verifier = createTokenVerifier({ localKey: key });
  });

  it('reports its mode, issuer and audience', () => {
    expect(verifier).toMatchObject({ mode: 'local', issuer: 'sdp-local', audience: 'sdp' });
  });

  it('returns the anonymous viewer without a header', async () => {
    await expect(verifier.verify(undefined)).resolves.toEqual(ANONYMOUS);
    await expect(verifier.verify('')).resolves.toEqual(ANONYMOUS);
  });

  it('round-trips every role through sign and verify', async () => {
    const cases = [
      [{ role: 'OWNER', corporateNumber: CORPORATE_NUMBER }, { kind: 'USER', role: 'OWNER', sub: `local-owner-cn-${CORPORATE_NUMBER}`, corporateNumber: CORPORATE_NUMBER }],
      [{ role: 'OWNER', companyId: '42', sub: 'alice' }, { kind: 'USER', role: 'OWNER', sub: 'alice', companyId: '42' }],
      [
        { role: 'OWNER', companyId: '42', corporateNumber: CORPORATE_NUMBER, sub: 'bob' },
        { kind: 'USER', role: 'OWNER', sub: 'bob', companyId: '42', corporateNumber: CORPORATE_NUMBER },
      ],
      [{ role: 'SUPPORTER', organizationId: 'org-shokokai' }, { kind: 'USER', role: 'SUPPORTER', sub: 'local-supporter-org-shokokai', organizationId: 'org-shokokai' }],
      [{ role: 'STAFF' }, { kind: 'USER', role: 'STAFF', sub: 'local-staff' }],
      [{ role: 'ADMIN', sub: 'root' }, { kind: 'USER', role: 'ADMIN', sub: 'root' }],
    ] as const;
    for (const [claims, expected] of cases) {
      const token = await signLocalToken(key, claims);
      expect(await verifier.verify(`Bearer ${token}`)).toEqual(expected);
    }
  });

  it('signs with the key id, issuer, audience and the requested lifetime', async () => {
    const token = await signLocalToken(key, { role: 'STAFF' }, '10m');
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(new TextDecoder().decode(base64url.decode(part))));
    expect(header).toMatchObject({ alg: 'ES256', kid: key.kid, typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 'sdp-local', aud: 'sdp', role: 'STAFF', sub: 'local-staff' });
    expect(payload.exp - payload.iat).toBe(600);
    const numeric = await signLocalToken(key, { role: 'STAFF' }, 120);
    const numericPayload = JSON.parse(new TextDecoder().decode(base64url.decode(numeric.split('.')[1]!)));
    expect(numericPayload.exp - numericPayload.iat).toBeGreaterThanOrEqual(119);
    expect(numericPayload.exp - numericPayload.iat).toBeLessThanOrEqual(121);
  });

  it('gives unbound owner tokens a fresh sub each time', async () => {
    const first = await verifier.verify(`Bearer ${await signLocalToken(key, { role: 'OWNER' })}`);
    const second = await verifier.verify(`Bearer ${await signLocalToken(key, { role: 'OWNER' })}`);
    expect(first).toMatchObject({ kind: 'USER', role: 'OWNER' });
    expect(first).not.toHaveProperty('companyId');
    expect(first).not.toHaveProperty('corporateNumber');
    expect(first.kind === 'USER' && second.kind === 'USER' && first.sub !== second.sub).toBe(true);
  });

  it('refuses to sign claims the verifier would refuse', async () => {
    await expect(signLocalToken(key, { role: 'SUPPORTER' })).rejects.toThrow(/SUPPORTER token needs organizationId/);
    await expect(signLocalToken(key, { role: 'OWNER', organizationId: 'o' })).rejects.toThrow(/organizationId only applies to SUPPORTER/);
    await expect(signLocalToken(key, { role: 'STAFF', companyId: '1' })).rejects.toThrow(/companyId only applies to OWNER/);
    await expect(signLocalToken(key, { role: 'OWNER', corporateNumber: '1234567890123' })).rejects.toThrow(/not a valid 法人番号/);
    await expect(signLocalToken(key, { role: 'OWNER', companyId: '' })).rejects.toThrow(/company_id claim must be a non-empty string/);
    await expect(signLocalToken(key, { role: 'ROOT' as never })).rejects.toThrow(/role must be one of/);
  });

  it('refuses an expired token', async () => {
    const token = await signLocalToken(key, { role: 'STAFF' }, '-2m');
    await expectRefused(verifier, `Bearer ${token}`, 'TOKEN_EXPIRED', /has expired/);
  });

  it('reuses a verified token until it expires, then refuses it as expired', async () => {
    const now = Date.now();
    const token = await craft(key, { role: 'STAFF', sub: 'cached' }, (jwt) => jwt.setExpirationTime(Math.floor(now / 1000) + 60));
    const first = await verifier.verify(`Bearer ${token}`);
    expect(first).toMatchObject({ role: 'STAFF', sub: 'cached' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(await verifier.verify(`Bearer ${token}`)).toBe(first);
    vi.useFakeTimers({ now: now + 60_000 + 31_000, toFake: ['Date'] });
    try {
      await expectRefused(verifier, `Bearer ${token}`, 'TOKEN_EXPIRED', /has expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not reuse a result for a token that differs in its signature', async () => {
    const token = await signLocalToken(key, { role: 'STAFF', sub: 'signed' });
    await verifier.verify(`Bearer ${token}`);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await expectRefused(verifier, `Bearer ${tampered}`, 'BAD_SIGNATURE', /does not verify/);
  });

  it('tolerates 30 seconds of clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await craft(key, { role: 'STAFF', sub: 's' }, (jwt) => jwt.setExpirationTime(now - 10));
    await expect(verifier.verify(`Bearer ${justExpired}`)).resolves.toMatchObject({ role: 'STAFF' });
    const almostValid = await craft(key, { role: 'STAFF', sub: 's' }, (jwt) => jwt.setNotBefore(now + 10));
    await expect(verifier.verify(`Bearer ${almostValid}`)).resolves.toMatchObject({ role: 'STAFF' });
  });

  it('refuses a token whose nbf is in the future', async () => {
    const token = await craft(key, { role: 'STAFF', sub: 's' }, (jwt) => jwt.setNotBefore('5m'));
    await expectRefused(verifier, `Bearer ${token}`, 'TOKEN_NOT_YET_VALID', /not valid yet/);
  });

  it('refuses a token issued in the future', async () => {
    const token = await craft(key, { role: 'STAFF', sub: 's' }, (jwt) => jwt.setIssuedAt(Math.floor(Date.now() / 1000) + 600));
    await expectRefused(verifier, `Bearer ${token}`, 'TOKEN_NOT_YET_VALID', /issued in the future/);
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ role: 'STAFF', sub: 's' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .sign(key.privateKey);
    await expectRefused(verifier, `Bearer ${token}`, 'INVALID_CLAIMS', /exp claim is missing/);
  });

  it('refuses a token signed with another key', async () => {
    const token = await signLocalToken(otherKey, { role: 'ADMIN' });
    await expectRefused(verifier, `Bearer ${token}`, 'BAD_SIGNATURE', /signature does not verify/);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const token = await signLocalToken(key, { role: 'STAFF' });
    const [header, , signature] = token.split('.');
    const forged = base64url.encode(JSON.stringify({ role: 'ADMIN', sub: 'x', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: 9_999_999_999 }));
    await expectRefused(verifier, `Bearer ${header}.${forged}.${signature}`, 'BAD_SIGNATURE', /signature/);
  });

  it('refuses a wrong audience', async () => {
    const token = await craft(key, { role: 'STAFF', sub: 's' }, (jwt) => jwt.setAudience('another-api'));
    await expectRefused(verifier, `Bearer ${token}`, 'WRONG_AUDIENCE', /audience must include sdp/);
  });

  it('refuses a wrong issuer', async () => {
    const token = await craft(key, { role: 'STAFF', sub: 's' }, (jwt) => jwt.setIssuer('https://evil.example'));
    await expectRefused(verifier, `Bearer ${token}`, 'WRONG_ISSUER', /expected issuer sdp-local/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = unsignedToken({ role: 'ADMIN', sub: 'x', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: 9_999_999_999 });
    await expectRefused(verifier, `Bearer ${token}`, 'ALGORITHM_NOT_ALLOWED', /unsigned tokens/);
    const withBogusSignature = `${token}c2lnbmF0dXJl`;
    await expectRefused(verifier, `Bearer ${withBogusSignature}`, 'ALGORITHM_NOT_ALLOWED', /unsigned tokens/);
  });

  it('refuses an HMAC token and any algorithm other than the local key', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!');
    const hs256 = await new SignJWT({ role: 'ADMIN', sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h').sign(secret);
    await expectRefused(verifier, `Bearer ${hs256}`, 'ALGORITHM_NOT_ALLOWED', /accepted: ES256/);
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT({ role: 'ADMIN', sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h').sign(privateKey);
    await expectRefused(verifier, `Bearer ${rs256}`, 'ALGORITHM_NOT_ALLOWED', /not accepted/);
  });

  it('refuses garbage', async () => {
    await expectRefused(verifier, 'Bearer garbage', 'MALFORMED_TOKEN', /not a compact JWT/);
    await expectRefused(verifier, 'Bearer aGVsbG8.d29ybGQ.c2ln', 'MALFORMED_TOKEN', /header is not base64url-encoded JSON/);
    await expectRefused(verifier, `Bearer ${base64url.encode('{"typ":"JWT"}')}.e30.c2ln`, 'MALFORMED_TOKEN', /no alg/);
    // Correctly signed, but the payload is not a JSON object.
    const notJson = await new CompactSign(new TextEncoder().encode('not json')).setProtectedHeader({ alg: 'ES256' }).sign(key.privateKey);
    await expectRefused(verifier, `Bearer ${notJson}`, 'MALFORMED_TOKEN', /well-formed/);
    await expectRefused(verifier, 'Token abc', 'MALFORMED_HEADER', /must be "Bearer <JWT>"/);
  });

  it.each([
    ['no sub', { role: 'STAFF' }, /sub claim is missing/],
    ['blank sub', { role: 'STAFF', sub: ' ' }, /sub claim must be a non-empty string/],
    ['no role', { sub: 's' }, /role claim is missing/],
    ['unknown role', { sub: 's', role: 'SUPERUSER' }, /role claim must be one of/],
    ['lower-case role', { sub: 's', role: 'admin' }, /role claim must be one of/],
    ['SUPPORTER without org_id', { sub: 's', role: 'SUPPORTER' }, /SUPPORTER token needs an org_id claim/],
    ['SUPPORTER with a numeric org_id', { sub: 's', role: 'SUPPORTER', org_id: 7 }, /org_id claim must be a non-empty string/],
    ['OWNER with an invalid 法人番号', { sub: 's', role: 'OWNER', corporate_number: '1234567890123' }, /not a valid 法人番号 \(wrong check digit\)/],
    ['OWNER with a short 法人番号', { sub: 's', role: 'OWNER', corporate_number: '123' }, /not 13 characters/],
    ['OWNER with an empty company_id', { sub: 's', role: 'OWNER', company_id: '' }, /company_id claim must be a non-empty string/],
  ] as const)('refuses a token with %s', async (_label, claims, message) => {
    const token = await craft(key, claims as JWTPayload);
    await expectRefused(verifier, `Bearer ${token}`, 'INVALID_CLAIMS', message);
  });

  it('lists every claim problem at once', async () => {
    const token = await craft(key, { role: 'GUEST' });
    const error = await refusal(verifier, `Bearer ${token}`);
    expect(error.message).toMatch(/sub claim is missing; the role claim must be one of/);
  });

  it('accepts an OWNER without a company as unbound by default, and refuses it when configured to', async () => {
    const token = await craft(key, { sub: 'newcomer', role: 'OWNER' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ kind: 'USER', role: 'OWNER', sub: 'newcomer' });
    const strict = createTokenVerifier({ localKey: key, unboundOwners: 'reject' });
    await expectRefused(strict, `Bearer ${token}`, 'INVALID_CLAIMS', /OWNER token needs a corporate_number or company_id claim/);
  });

  it('ignores claims that do not apply to the role', async () => {
    const token = await craft(key, { sub: 's', role: 'STAFF', org_id: 'o', company_id: 'c' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ kind: 'USER', role: 'STAFF', sub: 's' });
  });
});

describe('viewerFromClaims', () => {
  it('maps snake_case claims to a frozen viewer', () => {
    const viewer = viewerFromClaims({ sub: 'u', role: 'SUPPORTER', org_id: 'o1' });
    expect(viewer).toEqual({ kind: 'USER', role: 'SUPPORTER', sub: 'u', organizationId: 'o1' });
    expect(Object.isFrozen(viewer)).toBe(true);
  });

  it('treats null claims as absent', () => {
    expect(viewerFromClaims({ sub: 'u', role: 'OWNER', company_id: 'c1', corporate_number: null })).toEqual({
      kind: 'USER',
      role: 'OWNER',
      sub: 'u',
      companyId: 'c1',
    });
  });
});

describe('readOidcConfig', () => {
  it('is undefined when OIDC_ISSUER is unset or blank (local mode)', () => {
    expect(readOidcConfig({})).toBeUndefined();
    expect(readOidcConfig({ OIDC_ISSUER: '  ' })).toBeUndefined();
  });

  it('reads issuer, audience and optional JWKS URL', () => {
    expect(readOidcConfig({ OIDC_ISSUER: 'https://id.example.jp/', OIDC_AUDIENCE: 'sdp-api' })).toEqual({
      issuer: 'https://id.example.jp/',
      audience: 'sdp-api',
    });
    expect(readOidcConfig({ OIDC_ISSUER: 'https://id.example.jp', OIDC_AUDIENCE: 'sdp-api', OIDC_JWKS_URL: 'https://id.example.jp/keys' })).toEqual({
      issuer: 'https://id.example.jp',
      audience: 'sdp-api',
      jwksUrl: 'https://id.example.jp/keys',
    });
  });

  it('refuses an incomplete or unsafe configuration', () => {
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://id.example.jp' })).toThrow(/OIDC_AUDIENCE must be set/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'http://id.example.jp', OIDC_AUDIENCE: 'a' })).toThrow(/OIDC_ISSUER must be an https URL/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'not a url', OIDC_AUDIENCE: 'a' })).toThrow(/OIDC_ISSUER is not a URL/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://id.example.jp', OIDC_AUDIENCE: 'a', OIDC_JWKS_URL: 'ftp://x/keys' })).toThrow(/OIDC_JWKS_URL must be an https URL/);
    expect(readOidcConfig({ OIDC_ISSUER: 'http://127.0.0.1:8080', OIDC_AUDIENCE: 'a' })?.issuer).toBe('http://127.0.0.1:8080');
  });
});

describe('OIDC mode against a local JWKS server (RS256)', () => {
  const AUDIENCE = 'sdp-api';
  let server: Server;
  let issuer: string;
  let signingKey: CryptoKey;
  let publicJwk: JWK;
  let hits: string[] = [];
  let discovery: 'custom-jwks-uri' | 'missing' | 'wrong-issuer' = 'custom-jwks-uri';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/.well-known/openid-configuration') {
        if (discovery === 'missing') return json(404, { error: 'not found' });
        return json(200, { issuer: discovery === 'wrong-issuer' ? 'https://other.example' : issuer, jwks_uri: `${issuer}/protocol/certs` });
      }
      if (request.url === '/protocol/certs' || request.url === '/.well-known/jwks.json') return json(200, { keys: [publicJwk] });
      json(404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return () => new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function idpToken(payload: JWTPayload, options: { kid?: string; issuer?: string; audience?: string; key?: CryptoKey; alg?: string } = {}): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'rsa-1' })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(options.key ?? signingKey);
  }

  it('verifies with the jwks_uri found by discovery', async () => {
    hits = [];
    discovery = 'custom-jwks-uri';
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE } });
    expect(verifier).toMatchObject({ mode: 'oidc', issuer, audience: AUDIENCE });
    const token = await idpToken({ sub: 'gbiz|123', role: 'OWNER', corporate_number: CORPORATE_NUMBER });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ kind: 'USER', role: 'OWNER', sub: 'gbiz|123', corporateNumber: CORPORATE_NUMBER });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ role: 'OWNER' });
    expect(hits).toEqual(['/.well-known/openid-configuration', '/protocol/certs']);
  });

  it('falls back to <issuer>/.well-known/jwks.json when there is no discovery document', async () => {
    hits = [];
    discovery = 'missing';
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE } });
    const token = await idpToken({ sub: 'u', role: 'SUPPORTER', org_id: 'org-1' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ kind: 'USER', role: 'SUPPORTER', sub: 'u', organizationId: 'org-1' });
    expect(hits).toEqual(['/.well-known/openid-configuration', '/.well-known/jwks.json']);
    discovery = 'custom-jwks-uri';
  });

  it('uses a configured JWKS URL without discovery', async () => {
    hits = [];
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE, jwksUrl: `${issuer}/protocol/certs` } });
    await expect(verifier.verify(`Bearer ${await idpToken({ sub: 'u', role: 'STAFF' })}`)).resolves.toMatchObject({ role: 'STAFF' });
    expect(hits).toEqual(['/protocol/certs']);
  });

  it('refuses a discovery document that names another issuer', async () => {
    discovery = 'wrong-issuer';
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE } });
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' })}`, 'KEYS_UNAVAILABLE', /could not be fetched/);
    discovery = 'custom-jwks-uri';
    // Not memoised: the next request retries discovery and succeeds.
    await expect(verifier.verify(`Bearer ${await idpToken({ sub: 'u', role: 'STAFF' })}`)).resolves.toMatchObject({ role: 'STAFF' });
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE } });
    const { privateKey } = await generateKeyPair('RS256');
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' }, { key: privateKey })}`, 'BAD_SIGNATURE', /signature does not verify/);
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' }, { key: privateKey, kid: 'rsa-unknown' })}`, 'BAD_SIGNATURE', /no signing key/);
  });

  it('refuses a wrong issuer or audience', async () => {
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE } });
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' }, { issuer: 'https://evil.example' })}`, 'WRONG_ISSUER', /expected issuer/);
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' }, { audience: 'sdp' })}`, 'WRONG_AUDIENCE', /audience must include sdp-api/);
  });

  it('refuses alg none and algorithms outside the allow-list', async () => {
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE }, algorithms: ['ES256', 'HS256'] });
    await expectRefused(verifier, `Bearer ${unsignedToken({ sub: 'u', role: 'ADMIN', iss: issuer, aud: AUDIENCE, exp: 9_999_999_999 })}`, 'ALGORITHM_NOT_ALLOWED', /unsigned/);
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' })}`, 'ALGORITHM_NOT_ALLOWED', /accepted: ES256\)/);
    expect(() => createTokenVerifier({ oidc: { issuer, audience: AUDIENCE }, algorithms: ['HS256', 'none'] })).toThrow(/no asymmetric JWS algorithm/);
  });

  it('maps claims and refuses incomplete ones as in local mode', async () => {
    const verifier = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE } });
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'SUPPORTER' })}`, 'INVALID_CLAIMS', /org_id/);
  });

  it('reports unreachable keys as KEYS_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadIssuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verifier = createTokenVerifier({ oidc: { issuer: deadIssuer, audience: AUDIENCE }, fetchTimeoutMs: 1000 });
    await expectRefused(verifier, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' }, { issuer: deadIssuer })}`, 'KEYS_UNAVAILABLE', /try again later/);
    const brokenJwks = createTokenVerifier({ oidc: { issuer, audience: AUDIENCE, jwksUrl: `${issuer}/nothing-here` } });
    await expectRefused(brokenJwks, `Bearer ${await idpToken({ sub: 'u', role: 'STAFF' })}`, 'KEYS_UNAVAILABLE', /could not be fetched/);
  });

  it('is chosen by createTokenVerifierFromEnv when OIDC_ISSUER is set', async () => {
    const fromEnv = await createTokenVerifierFromEnv({ dataDir: await tempDir(), env: { OIDC_ISSUER: issuer, OIDC_AUDIENCE: AUDIENCE } });
    expect(fromEnv.mode).toBe('oidc');
    await expect(fromEnv.verify(`Bearer ${await idpToken({ sub: 'u', role: 'ADMIN' })}`)).resolves.toMatchObject({ role: 'ADMIN' });
  });
});

describe('createTokenVerifierFromEnv without OIDC_ISSUER', () => {
  it('verifies tokens of the local key in the data directory', async () => {
    const dataDir = await tempDir();
    const verifier = await createTokenVerifierFromEnv({ dataDir, env: {} });
    expect(verifier.mode).toBe('local');
    const token = await signLocalToken(await loadOrCreateLocalKey(dataDir), { role: 'OWNER', companyId: '7' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ role: 'OWNER', companyId: '7' });
  });

  it('needs an issuer or a key', () => {
    expect(() => createTokenVerifier({})).toThrow(/needs an OIDC issuer or a local key/);
  });
});

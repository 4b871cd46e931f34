import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Config } from './config.js';
import { createContext, type Context } from './context.js';
import { statementCounterStorage, type Database } from './db/client.js';
import { GRAPHIQL_ASSETS, graphiqlHtml } from './graphiql.js';
import { flushAudit } from './modules/consent/access.service.js';
import { resolveViewer } from './modules/viewer/viewer.service.js';
import { buildAppSchema } from './schema.js';
import { createTokenVerifierFromEnv } from './shared/auth/tokens.js';
import { limitsPlugin } from './shared/limits.js';
import { createRateLimiter } from './shared/rate-limit.js';

const KNOWN_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE',
]);

/** Keeps coded errors; masks everything else (no stack, no SQL) as INTERNAL_SERVER_ERROR. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  if (code && KNOWN_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // an input coercion error of graphql-js (bad variable) arrives without our code
  if (error instanceof GraphQLError && !error.originalError && /^Variable "\$|^Argument|^Expected value|^Field ".*" of required type/.test(error.message)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  if (process.env.SDP_LOG_ERRORS !== '0') console.error('[sdp] internal error:', (error as { originalError?: unknown })?.originalError ?? error);
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

const requestEnd: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        await flushAudit(contextValue);
        const counter = statementCounterStorage.getStore();
        if (counter) response.http.headers.set('x-sdp-sql-statements', String(counter.count));
      },
    };
  },
};

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Builds the HTTP app: /graphql, /healthz, /readyz, GraphiQL at / with local assets. */
export async function createHttpApp(config: Config, database: Database) {
  const schema = await buildAppSchema();
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [requestEnd, limitsPlugin(config)],
  });
  await apollo.start();
  const verifier = await createTokenVerifierFromEnv({ dataDir: config.dataDir });
  const rateLimiter = createRateLimiter(config.rateLimitPerMinute);

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await database.query('SELECT 1');
      res.json({ status: 'ready', database: database.driver });
    } catch {
      res.status(503).json({ status: 'unavailable', database: database.driver });
    }
  });
  app.get('/', (_req, res) => {
    res.type('html').send(graphiqlHtml());
  });
  app.get('/assets/:name', (req, res) => {
    const asset = GRAPHIQL_ASSETS[req.params.name];
    if (!asset) {
      res.status(404).end();
      return;
    }
    res.type(asset.type);
    res.setHeader('cache-control', 'public, max-age=86400');
    createReadStream(asset.file).pipe(res);
  });
  app.use('/graphql', (req, res, next) => {
    statementCounterStorage.run({ count: 0 }, () => next());
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers.authorization;
        let viewer;
        try {
          viewer = await verifier.verify(header);
        } catch (error) {
          throw new GraphQLError((error as Error).message || 'invalid token', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        const clientKey = viewer.kind === 'USER' ? `sub:${viewer.sub}` : `ip:${req.ip}`;
        if (!rateLimiter.take(clientKey)) {
          throw new GraphQLError('too many requests: slow down and retry in a minute', { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } });
        }
        const ctx = createContext(config, database, viewer);
        ctx.viewer = await resolveViewer(ctx, viewer);
        return ctx;
      },
    }),
  );
  return { app, apollo };
}

/** Starts listening; resolves with the URL once the port is bound. */
export async function startServer(config: Config, database: Database): Promise<RunningServer> {
  const { app, apollo } = await createHttpApp(config, database);
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
    },
  };
}

import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Config } from './config.js';
import { createContext, type Context } from './context.js';
import { statementCounterStorage, type Database } from './db/client.js';
import { GRAPHIQL_ASSETS, graphiqlHtml } from './graphiql.js';
import { flushAudit } from './modules/consent/access.service.js';
import { resolveViewer } from './modules/viewer/viewer.service.js';
import { buildAppSchema } from './schema.js';
import { createTokenVerifierFromEnv } from './shared/auth/tokens.js';
import { apolloLogger, describeInternalError, formatError } from './shared/error-format.js';
import {
  authenticateAndLimit, bodyErrorHandler, lastResortErrorHandler, requestIdMiddleware, viewerOf,
} from './shared/http-edge.js';
import { limitsPlugin, MAX_QUERY_TOKENS } from './shared/limits.js';
import { createRequestRateLimiter } from './shared/rate-limit.js';

/** Largest request body accepted on /graphql (larger ones get 413 before any parsing). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Time a client has to send a whole request (slow-loris guard), and its headers. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const HEADERS_TIMEOUT_MS = 20_000;

export { formatError } from './shared/error-format.js';

const requestEnd: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        await flushAudit(contextValue);
        // answers may hold confidential data: no shared or private cache may keep them (what Apollo's cache-control
        // plugin sent with no hints, without its per-field hook on every resolver)
        response.http.headers.set('cache-control', 'no-store');
        const counter = statementCounterStorage.getStore();
        if (counter) response.http.headers.set('x-sdp-sql-statements', String(counter.count));
        // the server's own time for the request, from /graphql to the response (token check, parse, execution,
        // audit write; not the JSON serialisation that follows), as a W3C Server-Timing metric
        if (counter?.startedAt !== undefined) response.http.headers.set('server-timing', `app;dur=${(performance.now() - counter.startedAt).toFixed(2)}`);
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
    logger: apolloLogger,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // explicit although they are Apollo 5's defaults: the edge relies on them
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // server-main handles SIGINT/SIGTERM (close HTTP, then the database); Apollo's own handler, on by default when
    // NODE_ENV is not test, raced it and left apollo.stop() waiting forever, so a production server never exited
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    // GraphiQL is served offline at /; Apollo's landing page would load scripts from a CDN
    // no @cacheControl hints are used; Apollo's default cache-control plugin would wrap every field resolver
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), requestEnd, limitsPlugin(config)],
  });
  await apollo.start();
  const verifier = await createTokenVerifierFromEnv({ dataDir: config.dataDir });
  const rateLimiter = createRequestRateLimiter(config.rateLimitPerMinute);

  const app = express();
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
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
    statementCounterStorage.run({ count: 0, startedAt: performance.now() }, () => next());
  });
  app.use(
    '/graphql',
    // rate limits and token checks come first: they need only the headers
    authenticateAndLimit(verifier, rateLimiter),
    express.json({ limit: MAX_BODY_BYTES }),
    bodyErrorHandler,
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const viewer = viewerOf(res);
        const ctx = createContext(config, database, viewer);
        ctx.viewer = await resolveViewer(ctx, viewer);
        return ctx;
      },
    }),
  );
  app.use(lastResortErrorHandler((line, error) => {
    if (process.env.SDP_LOG_ERRORS !== '0') console.error(`${line}: ${describeInternalError(error)}`);
  }));
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
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
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

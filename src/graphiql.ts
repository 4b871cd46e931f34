import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Files of the GraphiQL page, served from installed packages (no CDN, works offline). */
export const GRAPHIQL_ASSETS: Record<string, { file: string; type: string }> = {
  'graphiql.min.css': { file: join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
  'graphiql.min.js': { file: join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  'react.production.min.js': { file: join(dirname(require.resolve('react/package.json')), 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { file: join(dirname(require.resolve('react-dom/package.json')), 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
};

const DEFAULT_QUERY = `# SME Data Platform — try a demo company, or paste a token from \`sdp token\` into Headers:
# { "Authorization": "Bearer <token>" }
query Companies {
  companies(first: 5) {
    totalCount
    edges { node { id corporateNumber name kind prefectureCode address smeStatus { category reasons } } }
  }
}
`;

export function graphiqlHtml(): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>SME Data Platform — GraphiQL</title>
<link rel="stylesheet" href="/assets/graphiql.min.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/assets/react.production.min.js"></script>
<script src="/assets/react-dom.production.min.js"></script>
<script src="/assets/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)}, defaultEditorToolsVisibility: true }));
</script>
</body>
</html>`;
}

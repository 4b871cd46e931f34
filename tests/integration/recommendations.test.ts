import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { syncCatalogue } from '../../src/modules/measure/measure.service.js';
import { runRecommendationBatch } from '../../src/modules/recommendation/batch.js';
import { recommendationRules } from '../../src/modules/recommendation/catalogue-cache.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const demo = buildDemoCompanies(60, 11);
const open = demo.filter((company) => company.corporateNumber && !company.closeDate);
const owner = open[0]!;
const other = open[1]!;
/** A company that received 持続化補助金 this year: it must not be recommended again. */
const recipient = open[2]!;

const REASON_LINE = /^\[[a-z][a-z0-9-]*\] \S.* \([+-]\d+(\.\d+)?\)$/;

interface RecommendationJson {
  measure: { id: string; title: string };
  score: number;
  verdict: string;
  reasons: string[];
  missingData: string[];
  upcoming: boolean;
  ruleIds: string[];
}

const RECOMMENDATIONS = `query($n: String!, $first: Int) {
  recommendations(corporateNumber: $n, first: $first) { measure { id title } score verdict reasons missingData upcoming ruleIds }
}`;
const NEW_RECOMMENDATIONS = `query($n: String!, $since: DateTime) {
  newRecommendations(corporateNumber: $n, since: $since) { measure { id } score verdict reasons missingData upcoming ruleIds rank firstRecommendedAt computedAt }
}`;

async function companyId(database: Database, corporateNumber: string): Promise<number> {
  const [row] = await database.query<{ id: number }>('SELECT id::int AS id FROM companies WHERE corporate_number = $1', [corporateNumber]);
  return Number(row!.id);
}

describe('recommendations over HTTP, on demand and push-type', () => {
  let server: TestServer;
  let ownerToken: string;
  let staffToken: string;

  beforeAll(async () => {
    server = await startTestServer({
      prepare: async (database) => {
        await syncCatalogue(database);
        await insertDemoCompanies(database, demo);
        const id = await companyId(database, recipient.corporateNumber!);
        await database.query(
          `INSERT INTO support_records (company_id, title, amount_yen, approved_on, authority, measure_id, source) VALUES ($1, '小規模事業者持続化補助金', 500000, $2, '中小企業庁', 'jizokuka-ippan', 'TEST')`,
          [id, new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10)],
        );
      },
    });
    ownerToken = await server.token({ role: 'OWNER', corporateNumber: owner.corporateNumber! });
    staffToken = await server.token({ role: 'STAFF', sub: 'staff-1' });
  });
  afterAll(async () => server?.close());

  it('recommends measures to the owner, best first, each explaining itself line by line', async () => {
    const res = await server.request<{ recommendations: RecommendationJson[] }>(RECOMMENDATIONS, { n: owner.corporateNumber, first: 8 }, { token: ownerToken });
    expect(res.errors).toBeUndefined();
    const list = res.data!.recommendations;
    expect(list.length).toBe(8);
    for (const recommendation of list) {
      expect(['ELIGIBLE', 'UNKNOWN']).toContain(recommendation.verdict);
      expect(recommendation.reasons.length).toBeGreaterThan(0);
      for (const line of recommendation.reasons) expect(line).toMatch(REASON_LINE);
      expect(recommendation.ruleIds).toEqual([...new Set(recommendation.reasons.map((line) => /^\[([^\]]+)\]/.exec(line)![1]!))]);
      if (recommendation.verdict === 'ELIGIBLE') expect(recommendation.missingData).toEqual([]);
      else expect(recommendation.missingData.length).toBeGreaterThan(0);
      expect(recommendation.measure.title.length).toBeGreaterThan(0);
    }
    for (let i = 1; i < list.length; i++) expect(list[i - 1]!.score).toBeGreaterThanOrEqual(list[i]!.score);
    // the owner's stated needs show up in the reasons of the best ones
    expect(list.slice(0, 3).some((r) => r.reasons.some((line) => line.startsWith('[need-match] 経営課題「')))).toBe(true);
    // constant statement count (catalogue cached, facts and history batched)
    const again = await server.request(RECOMMENDATIONS, { n: owner.corporateNumber, first: 8 }, { token: ownerToken });
    expect(again.statements).toBeLessThanOrEqual(12);
  });

  it('keeps recommendations confidential and validates its arguments', async () => {
    const anonymous = await server.request(RECOMMENDATIONS, { n: owner.corporateNumber });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherOwner = await server.request(RECOMMENDATIONS, { n: other.corporateNumber }, { token: ownerToken });
    expect(otherOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const staff = await server.request<{ recommendations: RecommendationJson[] }>(RECOMMENDATIONS, { n: other.corporateNumber, first: 3 }, { token: staffToken });
    expect(staff.errors).toBeUndefined();
    expect(staff.data!.recommendations.length).toBeLessThanOrEqual(3);
    const malformed = await server.request(RECOMMENDATIONS, { n: '123' }, { token: staffToken });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'corporateNumber' });
    const tooMany = await server.request(RECOMMENDATIONS, { n: owner.corporateNumber, first: 101 }, { token: ownerToken });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const unknown = await server.request(RECOMMENDATIONS, { n: '1180301018771' }, { token: staffToken });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('does not recommend a measure the company received within its exclusion period', async () => {
    const res = await server.request<{ recommendations: RecommendationJson[] }>(RECOMMENDATIONS, { n: recipient.corporateNumber, first: 100 }, { token: staffToken });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recommendations.map((r) => r.measure.id)).not.toContain('jizokuka-ippan');
  });

  it('serves the top recommendations on Company too, hidden from others', async () => {
    const query = `query($n: String!) { company(corporateNumber: $n) { recommendations(first: 2) { measure { id } score } } }`;
    const mine = await server.request<{ company: { recommendations: Array<{ measure: { id: string } }> } }>(query, { n: owner.corporateNumber }, { token: ownerToken });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.company.recommendations).toHaveLength(2);
    const hidden = await server.request<{ company: { recommendations: unknown[] } }>(query, { n: owner.corporateNumber });
    expect(hidden.data!.company.recommendations).toEqual([]);
  });

  it('the batch stores what the on-demand query answers, for the same company', async () => {
    const summary = await runRecommendationBatch(server.database, { chunkSize: 25 });
    expect(summary).toMatchObject({ status: 'DONE', mode: 'FULL', companiesTotal: demo.length, companiesProcessed: demo.length });
    expect(summary.recommendationsNew).toBeGreaterThan(0);
    const { topN, minScore } = recommendationRules().settings.push;
    for (const company of [owner, other, recipient]) {
      const [onDemand, stored] = await Promise.all([
        server.request<{ recommendations: RecommendationJson[] }>(RECOMMENDATIONS, { n: company.corporateNumber, first: topN }, { token: staffToken }),
        server.request<{ newRecommendations: Array<RecommendationJson & { rank: number }> }>(NEW_RECOMMENDATIONS, { n: company.corporateNumber }, { token: staffToken }),
      ]);
      expect(stored.errors).toBeUndefined();
      const expected = onDemand.data!.recommendations.filter((r) => r.score >= minScore);
      expect(stored.data!.newRecommendations.map(({ measure, score, verdict, reasons, missingData, upcoming, ruleIds }) => ({ measure, score, verdict, reasons, missingData, upcoming, ruleIds })))
        .toEqual(expected.map(({ measure, score, verdict, reasons, missingData, upcoming, ruleIds }) => ({ measure: { id: measure.id }, score, verdict, reasons, missingData, upcoming, ruleIds })));
      expect(stored.data!.newRecommendations.map((r) => r.rank)).toEqual(expected.map((_, index) => index + 1));
    }
  });

  it('a rerun recomputes only what changed and records the new recommendations for pushing', async () => {
    const quiet = await runRecommendationBatch(server.database);
    expect(quiet).toMatchObject({ status: 'DONE', mode: 'INCREMENTAL', companiesProcessed: 0, recommendationsNew: 0, recommendationsChanged: 0 });

    // the owner states a new need: only that company is recomputed, and what fits the need is new
    const id = await companyId(server.database, owner.corporateNumber!);
    const before = new Date();
    await server.database.query(
      `INSERT INTO facts (company_id, key, value, source, as_of, recorded_by) VALUES ($1, 'needs', $2::jsonb, 'OWNER', now(), 'owner-test')`,
      [id, JSON.stringify(['事業を引き継ぎたい'])],
    );
    const rerun = await runRecommendationBatch(server.database);
    expect(rerun).toMatchObject({ status: 'DONE', mode: 'INCREMENTAL', companiesTotal: 1, companiesProcessed: 1 });
    expect(rerun.recommendationsNew).toBeGreaterThan(0);
    const fresh = await server.request<{ newRecommendations: RecommendationJson[] }>(NEW_RECOMMENDATIONS, { n: owner.corporateNumber, since: before.toISOString() }, { token: ownerToken });
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data!.newRecommendations.length).toBe(rerun.recommendationsNew);
    for (const recommendation of fresh.data!.newRecommendations) expect(recommendation.reasons.join('\n')).toContain('経営課題「事業を引き継ぎたい」に対応');

    const stats = await server.request<{ recommendationPushStats: { lastRun: { id: string; mode: string; recommendationsNew: number }; measures: Array<{ measure: { id: string }; pushedCompanies: number; activeCompanies: number; newInLastRun: number }> } }>(
      `{ recommendationPushStats { lastRun { id mode recommendationsNew } measures { measure { id } pushedCompanies activeCompanies newInLastRun } } }`, {}, { token: staffToken },
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.recommendationPushStats.lastRun).toMatchObject({ id: String(rerun.runId), mode: 'INCREMENTAL', recommendationsNew: rerun.recommendationsNew });
    const measures = stats.data!.recommendationPushStats.measures;
    expect(measures.reduce((sum, m) => sum + m.newInLastRun, 0)).toBe(rerun.recommendationsNew);
    const [{ n }] = await server.database.query<{ n: number }>('SELECT count(*)::int AS n FROM stored_recommendations');
    expect(measures.reduce((sum, m) => sum + m.pushedCompanies, 0)).toBe(Number(n));
    const forbidden = await server.request(`{ recommendationPushStats { measures { pushedCompanies } } }`, {}, { token: ownerToken });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an interrupted run resumes where it stopped, with no duplicates, and agrees with a full recompute', async () => {
    const controller = new AbortController();
    const interrupted = await runRecommendationBatch(server.database, {
      full: true,
      chunkSize: 20,
      signal: controller.signal,
      onProgress: (progress) => { if (progress.companiesDone >= 20) controller.abort(); },
    });
    // it stops after the chunks in flight (the one being written when the signal came, and the one evaluated meanwhile)
    expect(interrupted.status).toBe('INTERRUPTED');
    expect(interrupted.companiesProcessed % 20).toBe(0);
    expect(interrupted.companiesProcessed).toBeGreaterThanOrEqual(20);
    expect(interrupted.companiesProcessed).toBeLessThan(demo.length);
    const resumed = await runRecommendationBatch(server.database, { chunkSize: 20 });
    expect(resumed).toMatchObject({ status: 'DONE', resumed: true, runId: interrupted.runId, companiesProcessed: demo.length - interrupted.companiesProcessed });
    const [{ rows, pairs }] = await server.database.query<{ rows: number; pairs: number }>(
      'SELECT count(*)::int AS rows, count(DISTINCT (company_id, measure_id))::int AS pairs FROM stored_recommendations',
    );
    expect(Number(rows)).toBe(Number(pairs));
    const [{ over }] = await server.database.query<{ over: number }>(
      `SELECT count(*)::int AS over FROM (SELECT company_id FROM stored_recommendations WHERE dropped_at IS NULL GROUP BY company_id HAVING count(*) > $1) t`,
      [recommendationRules().settings.push.topN],
    );
    expect(Number(over)).toBe(0);
    const check = await runRecommendationBatch(server.database, { full: true });
    expect(check).toMatchObject({ status: 'DONE', recommendationsNew: 0, recommendationsChanged: 0, recommendationsDropped: 0 });
  });
});

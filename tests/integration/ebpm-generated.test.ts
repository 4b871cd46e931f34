import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { INJECTED_EFFECTS, injectedEffectRate } from '../../src/modules/generator/calibration.js';
import { generateDatabase } from '../../src/modules/generator/generator.service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Effect recovery on the generated world (`sdp generate`), whose adopted applicants of four measures
 * get a known treatment effect: 2.5–8 % of their baseline net sales (calibration.ts). The expected
 * difference in differences is that rate × the mean baseline net sales of the adopted applicants
 * compared. The generated firms' yen changes are noisy (a few thousand companies give standard errors
 * of the same size as the effects), so the tolerance is statistical: three standard errors, for every
 * injected effect and for a measure without any. The tight check of the estimator on a population with
 * known noise is in ebpm.test.ts.
 */
const COMPANIES = 4000;

interface Outcome {
  treatedCount: number;
  controlCount: number;
  difference: number | null;
  standardError: number | null;
  confidenceLower: number | null;
  confidenceUpper: number | null;
  suppressed: boolean;
}

/** Mean net sales in the year before the application of the adopted applicants with both years, as ebpm.outcome selects them. */
async function meanAdoptedBaseline(db: Database, measureId: string, metric: string, yearsAfter: number): Promise<number> {
  const column = metric === 'netSalesYen' ? 'net_sales_yen' : 'operating_profit_yen';
  const [row] = await db.query<{ mean: number | string }>(
    `WITH first_decided AS (
       SELECT DISTINCT ON (company_id) company_id, fiscal_year, status FROM applications
       WHERE measure_id = $1 AND status IN ('ADOPTED', 'REJECTED') ORDER BY company_id, fiscal_year, submitted_at NULLS LAST, id)
     SELECT avg(b.net_sales_yen)::float8 AS mean FROM first_decided a
     JOIN financials b ON b.company_id = a.company_id AND b.fiscal_year = a.fiscal_year - 1 AND b.${column} IS NOT NULL
     JOIN financials o ON o.company_id = a.company_id AND o.fiscal_year = a.fiscal_year + $2 AND o.${column} IS NOT NULL
     WHERE a.status = 'ADOPTED'`,
    [measureId, yearsAfter],
  );
  return Number(row!.mean);
}

describe('EBPM outcome on the generated world', () => {
  let server: TestServer;
  let staff: string;
  beforeAll(async () => {
    server = await startTestServer({
      prepare: async (db) => void (await generateDatabase(db, { companies: COMPANIES, seed: 5, applicationsPerCompany: 3, mode: 'fresh', useWorker: false })),
    });
    staff = await server.token({ role: 'STAFF' });
  });
  afterAll(async () => server?.close());

  const outcome = async (measureId: string, metric: string, yearsAfter: number): Promise<Outcome> => {
    const res = await server.request<{ ebpm: { outcome: Outcome } }>(
      `query($m: ID!, $x: String!, $y: Int) { ebpm { outcome(measureId: $m, metric: $x, yearsAfter: $y) {
        treatedCount controlCount difference standardError confidenceLower confidenceUpper suppressed } } }`,
      { m: measureId, x: metric, y: yearsAfter },
      { token: staff },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.ebpm.outcome;
  };

  it('recovers every injected effect within three standard errors', async () => {
    const checked: string[] = [];
    for (const effect of INJECTED_EFFECTS) {
      for (const yearsAfter of [1, 2]) {
        const result = await outcome(effect.measureId, effect.metric, yearsAfter);
        const label = `${effect.measureId} ${effect.metric} +${yearsAfter}y`;
        expect(result.suppressed, label).toBe(false);
        const expected = injectedEffectRate(effect.measureId, effect.metric, yearsAfter) * (await meanAdoptedBaseline(server.database, effect.measureId, effect.metric, yearsAfter));
        expect(expected, label).toBeGreaterThan(0);
        expect(Math.abs(result.difference! - expected), `${label}: estimate ${result.difference}, expected ${expected}, SE ${result.standardError}`).toBeLessThan(3 * result.standardError!);
        checked.push(label);
      }
    }
    expect(checked).toHaveLength(INJECTED_EFFECTS.length * 2);
  });

  it('finds no effect where none was injected', async () => {
    const injected = INJECTED_EFFECTS.map((e) => e.measureId);
    const [busiest] = await server.database.query<{ measure_id: string }>(
      `SELECT measure_id FROM applications WHERE status IN ('ADOPTED', 'REJECTED') AND NOT (measure_id = ANY($1::text[]))
       GROUP BY measure_id HAVING count(*) FILTER (WHERE status = 'ADOPTED') >= 100 AND count(*) FILTER (WHERE status = 'REJECTED') >= 100
       ORDER BY count(*) DESC, measure_id LIMIT 1`,
      [`{${injected.join(',')}}`],
    );
    expect(busiest).toBeDefined();
    const result = await outcome(busiest!.measure_id, 'netSalesYen', 2);
    expect(result.suppressed).toBe(false);
    expect(Math.abs(result.difference!), `${busiest!.measure_id}: ${result.difference} ± ${result.standardError}`).toBeLessThan(3 * result.standardError!);
  });
});

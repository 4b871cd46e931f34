/**
 * The online-usage scorecard in the database: procedures (scorecard_procedures) seeded from
 * seeds/scorecard-meti-smrj-fy2019.json, and every recorded rate (scorecard_rates, append-only in
 * practice; the current rate is the latest). Progress and colour come from scorecard.ts.
 */

import { createHash } from 'node:crypto';
import type { Context } from '../../context.js';
import type { Database } from '../../db/client.js';
import { canReadEbpm } from '../../shared/auth/policy.js';
import type { ScorecardColor } from '../../shared/enums.js';
import { badInput, conflict, forbidden, notFound } from '../../shared/errors.js';
import { loadScorecardSeed, scoreScorecardRow, SCORECARD_SEED_FILE, type ScorecardRowInput } from './scorecard.js';

/** `recorded_by` of the rates loaded from the seed. */
export const SCORECARD_SEED_RECORDER = `seed:${SCORECARD_SEED_FILE}`;

/**
 * `recorded_at` of the seed's rates: the end of the baseline year FY2019 (令和元年度), which the
 * published figures describe. A fixed instant makes seeding idempotent (primary key procedure + instant).
 */
export const SCORECARD_SEED_RECORDED_AT = new Date('2020-03-31T15:00:00Z');

/** A stable id for a procedure: a hash of ministry, programme and procedure (the seed has no ids). */
export function scorecardProcedureId(row: Pick<ScorecardRowInput, 'ministry' | 'program' | 'procedure'>): string {
  const digest = createHash('sha256').update(`${row.ministry}\u0000${row.program}\u0000${row.procedure}`).digest('hex');
  return `sc-${digest.slice(0, 12)}`;
}

/**
 * Loads the scorecard seed: every procedure (its published fields refreshed when the seed changed)
 * and, once per procedure, the published current rate. Idempotent; safe with concurrent starts.
 * @returns the number of procedures in the seed.
 */
export async function seedScorecard(database: Database): Promise<number> {
  const rows = loadScorecardSeed().rows;
  await database.transaction(async (query) => {
    for (const row of rows) {
      const id = scorecardProcedureId(row);
      await query(
        `INSERT INTO scorecard_procedures (id, ministry, program, procedure, annual_count, baseline_rate, target_rate, deadline)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET ministry = EXCLUDED.ministry, program = EXCLUDED.program, procedure = EXCLUDED.procedure,
           annual_count = EXCLUDED.annual_count, baseline_rate = EXCLUDED.baseline_rate, target_rate = EXCLUDED.target_rate,
           deadline = EXCLUDED.deadline`,
        [id, row.ministry, row.program, row.procedure, row.annualCount, row.baselineRate, row.targetRate, row.deadline],
      );
      await query(
        `INSERT INTO scorecard_rates (procedure_id, recorded_at, rate, recorded_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [id, SCORECARD_SEED_RECORDED_AT.toISOString(), row.currentRate, SCORECARD_SEED_RECORDER],
      );
    }
  });
  return rows.length;
}

/** A scorecard row as `ScorecardRow` serves it. */
export interface ScorecardRowView extends ScorecardRowInput {
  readonly id: string;
  readonly currentRateRecordedAt: Date;
  readonly progress: number | null;
  readonly color: ScorecardColor;
}

interface ProcedureRow {
  id: string;
  ministry: string;
  program: string;
  procedure: string;
  annual_count: number | null;
  baseline_rate: number;
  target_rate: number;
  deadline: string | null;
  current_rate: number | null;
  recorded_at: Date | string | null;
}

/** Position of each procedure in the published table (the scorecard keeps that order). */
function seedOrder(): Map<string, number> {
  return new Map(loadScorecardSeed().rows.map((row, index) => [scorecardProcedureId(row), index]));
}

function toView(row: ProcedureRow): ScorecardRowView {
  const baselineRate = Number(row.baseline_rate);
  const scored = scoreScorecardRow({
    ministry: row.ministry,
    program: row.program,
    procedure: row.procedure,
    annualCount: row.annual_count === null ? null : Number(row.annual_count),
    baselineRate,
    // a procedure without any recorded rate is still at its baseline
    currentRate: row.current_rate === null ? baselineRate : Number(row.current_rate),
    targetRate: Number(row.target_rate),
    deadline: row.deadline,
  });
  return { ...scored, id: row.id, currentRateRecordedAt: new Date(row.recorded_at ?? SCORECARD_SEED_RECORDED_AT), color: scored.color as ScorecardColor };
}

const PROCEDURES_WITH_CURRENT_RATE = `
  SELECT p.id, p.ministry, p.program, p.procedure, p.annual_count, p.baseline_rate, p.target_rate, p.deadline,
         r.rate AS current_rate, r.recorded_at
  FROM scorecard_procedures p
  LEFT JOIN LATERAL (
    SELECT rate, recorded_at FROM scorecard_rates WHERE procedure_id = p.id ORDER BY recorded_at DESC LIMIT 1
  ) r ON true`;

/** `Ebpm.scorecard`: every procedure with its latest rate, progress and colour, in the published order. */
export async function scorecard(ctx: Context): Promise<ScorecardRowView[]> {
  const rows = await ctx.database.query<ProcedureRow>(`${PROCEDURES_WITH_CURRENT_RATE} ORDER BY p.ministry, p.program, p.id`);
  const order = seedOrder();
  const position = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  return rows.map(toView).sort((a, b) => position(a.id) - position(b.id));
}

async function procedureView(ctx: Context, procedureId: string): Promise<ScorecardRowView | null> {
  const rows = await ctx.database.query<ProcedureRow>(`${PROCEDURES_WITH_CURRENT_RATE} WHERE p.id = $1`, [procedureId]);
  return rows[0] ? toView(rows[0]) : null;
}

/** One recorded rate with the progress and colour it meant. */
export interface ScorecardRateView {
  readonly rate: number;
  readonly recordedAt: Date;
  readonly recordedBy: string;
  readonly progress: number | null;
  readonly color: ScorecardColor;
}

/** `Ebpm.scorecardHistory`: every rate recorded for a procedure, oldest first; NOT_FOUND for an unknown procedure. */
export async function scorecardHistory(ctx: Context, procedureId: string): Promise<ScorecardRateView[]> {
  const procedure = await procedureView(ctx, procedureId);
  if (!procedure) throw notFound(`no scorecard procedure with id ${procedureId}`);
  const rates = await ctx.database.query<{ rate: number; recorded_at: Date | string; recorded_by: string }>(
    'SELECT rate, recorded_at, recorded_by FROM scorecard_rates WHERE procedure_id = $1 ORDER BY recorded_at',
    [procedureId],
  );
  return rates.map((record) => {
    const { ministry, program, procedure: name, annualCount, baselineRate, targetRate, deadline } = procedure;
    const scored = scoreScorecardRow({ ministry, program, procedure: name, annualCount, baselineRate, targetRate, deadline, currentRate: Number(record.rate) });
    return {
      rate: Number(record.rate),
      recordedAt: new Date(record.recorded_at),
      recordedBy: record.recorded_by,
      progress: scored.progress,
      color: scored.color as ScorecardColor,
    };
  });
}

/**
 * `recordScorecardRate` (STAFF/ADMIN): records a new current online-usage rate (a fraction in
 * [0, 1]) for a procedure at the request's instant; earlier rates stay as history.
 * FORBIDDEN for other roles, BAD_USER_INPUT for a rate outside [0, 1], NOT_FOUND for an unknown
 * procedure, CONFLICT when a rate was already recorded for it at the same instant.
 */
export async function recordScorecardRate(ctx: Context, procedureId: string, rate: number): Promise<ScorecardRowView> {
  if (!canReadEbpm(ctx.viewer) || ctx.viewer.kind !== 'USER') throw forbidden('recording a scorecard rate needs a STAFF or ADMIN token');
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw badInput(`rate must be a fraction from 0 to 1 (0.35 = 35 %), got ${rate}`, 'rate');
  const inserted = await ctx.database.query<{ procedure_id: string }>(
    `INSERT INTO scorecard_rates (procedure_id, recorded_at, rate, recorded_by)
     SELECT id, $2, $3, $4 FROM scorecard_procedures WHERE id = $1
     ON CONFLICT DO NOTHING
     RETURNING procedure_id`,
    [procedureId, ctx.now.toISOString(), rate, ctx.viewer.sub],
  );
  if (!inserted.length) {
    if (!(await procedureView(ctx, procedureId))) throw notFound(`no scorecard procedure with id ${procedureId}`);
    throw conflict(`a rate for ${procedureId} was already recorded at ${ctx.now.toISOString()}; record it again in a new request`);
  }
  return (await procedureView(ctx, procedureId))!;
}

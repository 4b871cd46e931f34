/**
 * A company's history as the engine reads it: support received (with the measure and date) and its applications
 * (status and latest dated step). Shared by the on-demand path (per-request loaders) and the batch (chunk reads),
 * so both judge exclusion periods on the same data.
 */
import DataLoader from 'dataloader';
import type { Context } from '../../context.js';
import { groupInOrder } from '../../context.js';
import { arrayParameter } from '../../db/prepared.js';
import { supportRecordsLoader } from '../company/company.service.js';
import type { ApplicationRecord, ReceivedSupport } from './engine.js';
import type { ApplicationStatusValue } from './rules.js';

/** The columns of an application the engine needs. */
export interface ApplicationHistoryRow {
  measureId: string;
  status: string;
  decidedAt: Date | null;
  submittedAt: Date | null;
  updatedAt: Date;
}

/** An application's latest dated step: its decision, else its submission, else its last change (drafts). */
export function applicationRecordOf(row: ApplicationHistoryRow): ApplicationRecord {
  return { measureId: row.measureId, status: row.status as ApplicationStatusValue, at: row.decidedAt ?? row.submittedAt ?? row.updatedAt };
}

/** Support records that name their measure; records known only by title cannot be matched to a measure. */
export function receivedSupportOf(rows: ReadonlyArray<{ measureId: string | null; approvedOn: string | null }>): ReceivedSupport[] {
  return rows.filter((row) => row.measureId !== null).map((row) => ({ measureId: row.measureId!, on: row.approvedOn }));
}

/** The request's loader of applications per company (one query per batch; plain SQL: it is on the hot path). */
export function applicationHistoryLoader(ctx: Context) {
  return ctx.loader('recommendation.applications', () => new DataLoader<number, ApplicationHistoryRow[]>(async (companyIds) => {
    const rows = await ctx.database.query<{ company_id: number; measure_id: string; status: string; decided_at: Date | string | null; submitted_at: Date | string | null; updated_at: Date | string }>(
      `SELECT company_id::float8 AS company_id, measure_id, status, decided_at, submitted_at, updated_at FROM applications WHERE company_id = ANY($1::bigint[])`,
      [arrayParameter(companyIds)],
      { prepared: true },
    );
    const date = (value: Date | string | null): Date | null => (value === null ? null : value instanceof Date ? value : new Date(value));
    return groupInOrder(companyIds, rows.map((row) => ({
      companyId: Number(row.company_id), measureId: row.measure_id, status: row.status,
      decidedAt: date(row.decided_at), submittedAt: date(row.submitted_at), updatedAt: date(row.updated_at)!,
    })), (row) => row.companyId);
  }));
}

/** The history of one company for the engine, through the request's loaders. */
export async function companyHistoryFor(ctx: Context, companyId: number): Promise<{ received: ReceivedSupport[]; applications: ApplicationRecord[] }> {
  const [support, applied] = await Promise.all([supportRecordsLoader(ctx).load(companyId), applicationHistoryLoader(ctx).load(companyId)]);
  return { received: receivedSupportOf(support), applications: applied.map(applicationRecordOf) };
}

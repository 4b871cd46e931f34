/**
 * The application lifecycle as an explicit state machine (pure: no I/O).
 *
 *   (created) ──► DRAFT ──► SUBMITTED ──► ADOPTED
 *                   │           │    └──► REJECTED
 *                   └───────────┴───────► WITHDRAWN
 *
 * Creation is recorded as the transition null → DRAFT. ADOPTED, REJECTED and WITHDRAWN are final.
 * Anything else is refused with CONFLICT naming the current and the requested status. Only a DRAFT
 * may have its answers changed.
 */
import { GraphQLError } from 'graphql';

/** Contract enum ApplicationStatus, as string values. */
export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'ADOPTED', 'REJECTED', 'WITHDRAWN'] as const;
export type ApplicationStatusName = (typeof APPLICATION_STATUSES)[number];

/** The statuses each status may move to. */
export const TRANSITIONS: Readonly<Record<ApplicationStatusName, readonly ApplicationStatusName[]>> = Object.freeze({
  DRAFT: ['SUBMITTED', 'WITHDRAWN'],
  SUBMITTED: ['ADOPTED', 'REJECTED', 'WITHDRAWN'],
  ADOPTED: [],
  REJECTED: [],
  WITHDRAWN: [],
});

/** Japanese names of the statuses, for messages. */
export const STATUS_LABELS: Readonly<Record<ApplicationStatusName, string>> = Object.freeze({
  DRAFT: '下書き',
  SUBMITTED: '提出済み',
  ADOPTED: '採択',
  REJECTED: '不採択',
  WITHDRAWN: '取下げ',
});

/** True for a value of the contract enum. */
export function isApplicationStatus(value: unknown): value is ApplicationStatusName {
  return typeof value === 'string' && (APPLICATION_STATUSES as readonly string[]).includes(value);
}

/** True when `from` may move to `to`. */
export function canTransition(from: ApplicationStatusName, to: ApplicationStatusName): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True for a status no transition leaves (ADOPTED, REJECTED, WITHDRAWN). */
export function isFinal(status: ApplicationStatusName): boolean {
  return TRANSITIONS[status].length === 0;
}

/** The outcome of asking for a transition. */
export type TransitionCheck =
  | { readonly allowed: true; readonly from: ApplicationStatusName; readonly to: ApplicationStatusName }
  | { readonly allowed: false; readonly from: ApplicationStatusName; readonly to: ApplicationStatusName; readonly reason: string };

/** Decides a transition; a refusal says why, naming both statuses and what is allowed instead. */
export function checkTransition(from: ApplicationStatusName, to: ApplicationStatusName): TransitionCheck {
  if (canTransition(from, to)) return { allowed: true, from, to };
  const next = TRANSITIONS[from];
  const instead = next.length ? `from ${from} only ${next.join(' or ')} is possible` : `${from} is final`;
  return {
    allowed: false,
    from,
    to,
    reason: `cannot move an application from ${from} (${STATUS_LABELS[from]}) to ${to} (${STATUS_LABELS[to]}): ${instead}`,
  };
}

/**
 * The CONFLICT error of a refused transition or operation, with `currentStatus` and `requestedStatus`
 * (or `operation`) in its extensions so clients need not parse the message.
 */
export function lifecycleConflict(message: string, details: { currentStatus: ApplicationStatusName; requestedStatus?: ApplicationStatusName; operation?: string }): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CONFLICT', ...details } });
}

/** Throws CONFLICT unless `from` may move to `to`. */
export function assertTransition(from: ApplicationStatusName, to: ApplicationStatusName): void {
  const check = checkTransition(from, to);
  if (!check.allowed) throw lifecycleConflict(check.reason, { currentStatus: from, requestedStatus: to });
}

/** Throws CONFLICT unless the application is a DRAFT (the only status whose answers may change). */
export function assertEditable(status: ApplicationStatusName, operation: string): void {
  if (status !== 'DRAFT') {
    throw lifecycleConflict(`${operation} needs a DRAFT application; this one is ${status} (${STATUS_LABELS[status]})`, { currentStatus: status, operation });
  }
}

/**
 * 年度 (fiscal year, April–March) of an instant in Asia/Tokyo: 2026-03-31T23:59+09:00 is 2025,
 * 2026-04-01T00:00+09:00 is 2026. Japan has no daylight saving, so UTC+9 is exact.
 */
export function fiscalYearOf(at: Date): number {
  if (Number.isNaN(at.getTime())) throw new RangeError('fiscalYearOf: invalid date');
  const tokyo = new Date(at.getTime() + 9 * 60 * 60 * 1000);
  const year = tokyo.getUTCFullYear();
  return tokyo.getUTCMonth() < 3 ? year - 1 : year;
}

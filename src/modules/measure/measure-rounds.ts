/**
 * Application windows (公募回) of stored measures: whether a measure accepts applications at an instant,
 * which round to show, and the status of each round. Pure; works on `measure_rounds` rows as stored
 * (catalogue rounds and Jグランツ windows alike).
 *
 * A window's bounds are inclusive. A missing bound is open-ended on that side (Jグランツ sometimes omits
 * the end); a window with neither bound says nothing about when it is open and never counts as open.
 */

/** The parts of a round these rules read. */
export interface RoundWindow {
  acceptingFrom: Date | null;
  acceptingUntil: Date | null;
}

/** Status of a round at an instant. */
export type RoundStatusValue = 'OPEN' | 'UPCOMING' | 'CLOSED';

/** Whether a window accepts applications at an instant (bounds inclusive; a missing bound is open-ended). */
export function windowContains(round: RoundWindow, at: Date): boolean {
  if (round.acceptingFrom === null && round.acceptingUntil === null) return false;
  const time = at.getTime();
  if (round.acceptingFrom !== null && round.acceptingFrom.getTime() > time) return false;
  if (round.acceptingUntil !== null && round.acceptingUntil.getTime() < time) return false;
  return true;
}

/**
 * OPEN while the window contains the instant, UPCOMING before it starts, CLOSED after it ends. A window
 * without any bound is CLOSED (nothing says it accepts applications).
 */
export function roundStatusAt(round: RoundWindow, at: Date): RoundStatusValue {
  if (windowContains(round, at)) return 'OPEN';
  if (round.acceptingFrom !== null && round.acceptingFrom.getTime() > at.getTime()) return 'UPCOMING';
  return 'CLOSED';
}

/** Sort key of a round: its start, else its end (rounds without bounds last). */
function startKey(round: RoundWindow): number {
  return round.acceptingFrom?.getTime() ?? round.acceptingUntil?.getTime() ?? Number.POSITIVE_INFINITY;
}

/** Rounds in chronological order (by start, then end); a new array. */
export function sortRounds<R extends RoundWindow>(rounds: readonly R[]): R[] {
  return [...rounds].sort((a, b) => startKey(a) - startKey(b)
    || (a.acceptingUntil?.getTime() ?? Number.POSITIVE_INFINITY) - (b.acceptingUntil?.getTime() ?? Number.POSITIVE_INFINITY));
}

/** The open round at an instant (the one closing last when windows overlap, e.g. regional windows), or null. */
export function openRoundAt<R extends RoundWindow>(rounds: readonly R[], at: Date): R | null {
  const open = rounds.filter((round) => windowContains(round, at));
  if (open.length === 0) return null;
  return open.reduce((best, round) =>
    (round.acceptingUntil?.getTime() ?? Number.POSITIVE_INFINITY) > (best.acceptingUntil?.getTime() ?? Number.POSITIVE_INFINITY) ? round : best);
}

/** The first round that opens after an instant, or null. */
export function nextRoundAfter<R extends RoundWindow>(rounds: readonly R[], at: Date): R | null {
  const upcoming = sortRounds(rounds).filter((round) => round.acceptingFrom !== null && round.acceptingFrom.getTime() > at.getTime());
  return upcoming[0] ?? null;
}

/**
 * The round to show for a measure at an instant (SupportMeasure.acceptingFrom/acceptingUntil): the open
 * round, else the next one, else the last one; null when the measure has no round (always-open measures).
 */
export function displayRoundAt<R extends RoundWindow>(rounds: readonly R[], at: Date): R | null {
  const sorted = sortRounds(rounds);
  return openRoundAt(sorted, at) ?? nextRoundAfter(sorted, at) ?? sorted.at(-1) ?? null;
}

/** Whether a measure accepts applications at an instant: always when `alwaysOpen`, else inside one of its rounds. */
export function isOpenAt(alwaysOpen: boolean, rounds: readonly RoundWindow[], at: Date): boolean {
  return alwaysOpen || rounds.some((round) => windowContains(round, at));
}

import { describe, expect, it } from 'vitest';
import {
  displayRoundAt, isOpenAt, nextRoundAfter, openRoundAt, roundStatusAt, sortRounds, windowContains, type RoundWindow,
} from './measure-rounds.js';

const at = (iso: string): Date => new Date(iso);
const round = (from: string | null, until: string | null, label = `${from}..${until}`): RoundWindow & { label: string } => ({
  label, acceptingFrom: from ? at(from) : null, acceptingUntil: until ? at(until) : null,
});

// 事業再構築補助金 第12回・第13回 (the last round: 2025-01-10 to 2025-03-26)
const r12 = round('2024-04-23T00:00:00+09:00', '2024-07-26T18:00:00+09:00', '第12回');
const r13 = round('2025-01-10T00:00:00+09:00', '2025-03-26T18:00:00+09:00', '第13回');

describe('windowContains', () => {
  it('includes both bounds and nothing outside them', () => {
    expect(windowContains(r13, at('2025-01-10T00:00:00+09:00'))).toBe(true);
    expect(windowContains(r13, at('2025-03-26T18:00:00+09:00'))).toBe(true);
    expect(windowContains(r13, at('2025-01-09T23:59:59.999+09:00'))).toBe(false);
    expect(windowContains(r13, at('2025-03-26T18:00:00.001+09:00'))).toBe(false);
    expect(windowContains(r13, at('2025-02-01T00:00:00+09:00'))).toBe(true);
  });

  it('treats a missing bound as open-ended and a window without bounds as never open', () => {
    expect(windowContains(round('2026-04-01T00:00:00Z', null), at('2099-01-01T00:00:00Z'))).toBe(true);
    expect(windowContains(round(null, '2026-04-01T00:00:00Z'), at('2000-01-01T00:00:00Z'))).toBe(true);
    expect(windowContains(round(null, null), at('2026-04-01T00:00:00Z'))).toBe(false);
  });
});

describe('roundStatusAt', () => {
  it('is UPCOMING before, OPEN during and CLOSED after a window', () => {
    expect(roundStatusAt(r13, at('2024-12-31T00:00:00+09:00'))).toBe('UPCOMING');
    expect(roundStatusAt(r13, at('2025-02-01T00:00:00+09:00'))).toBe('OPEN');
    expect(roundStatusAt(r13, at('2025-04-01T00:00:00+09:00'))).toBe('CLOSED');
    expect(roundStatusAt(round(null, null), at('2025-04-01T00:00:00+09:00'))).toBe('CLOSED');
  });
});

describe('the round to show', () => {
  const rounds = [r13, r12];

  it('sorts rounds by start', () => {
    expect(sortRounds(rounds).map((r) => r.label)).toEqual(['第12回', '第13回']);
  });

  it('shows the open round, else the next, else the last', () => {
    expect(displayRoundAt(rounds, at('2024-05-01T00:00:00+09:00'))?.label).toBe('第12回');
    expect(displayRoundAt(rounds, at('2024-09-01T00:00:00+09:00'))?.label).toBe('第13回');
    expect(displayRoundAt(rounds, at('2026-11-25T00:00:00+09:00'))?.label).toBe('第13回');
    expect(displayRoundAt([], at('2026-11-25T00:00:00+09:00'))).toBeNull();
    expect(nextRoundAfter(rounds, at('2024-09-01T00:00:00+09:00'))?.label).toBe('第13回');
    expect(nextRoundAfter(rounds, at('2025-09-01T00:00:00+09:00'))).toBeNull();
  });

  it('picks the window that closes last when regional windows overlap', () => {
    const east = round('2026-04-01T00:00:00Z', '2026-05-31T00:00:00Z', 'east');
    const west = round('2026-04-15T00:00:00Z', '2026-06-30T00:00:00Z', 'west');
    expect(openRoundAt([east, west], at('2026-05-01T00:00:00Z'))?.label).toBe('west');
    expect(openRoundAt([east, west], at('2026-06-10T00:00:00Z'))?.label).toBe('west');
  });
});

describe('isOpenAt', () => {
  it('is always true for always-open measures and otherwise follows the rounds', () => {
    expect(isOpenAt(true, [], at('2026-11-25T00:00:00Z'))).toBe(true);
    expect(isOpenAt(false, [], at('2026-11-25T00:00:00Z'))).toBe(false);
    expect(isOpenAt(false, [r12, r13], at('2025-02-01T00:00:00+09:00'))).toBe(true);
    expect(isOpenAt(false, [r12, r13], at('2026-11-25T00:00:00+09:00'))).toBe(false);
  });
});

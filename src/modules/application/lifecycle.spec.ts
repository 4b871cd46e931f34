import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  APPLICATION_STATUSES, assertEditable, assertTransition, canTransition, checkTransition, fiscalYearOf, isApplicationStatus, isFinal,
  type ApplicationStatusName,
} from './lifecycle.js';

const ALLOWED: Array<[ApplicationStatusName, ApplicationStatusName]> = [
  ['DRAFT', 'SUBMITTED'],
  ['DRAFT', 'WITHDRAWN'],
  ['SUBMITTED', 'ADOPTED'],
  ['SUBMITTED', 'REJECTED'],
  ['SUBMITTED', 'WITHDRAWN'],
];

function conflictOf(work: () => void): GraphQLError {
  try {
    work();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a CONFLICT');
}

describe('application lifecycle', () => {
  it('allows exactly the five transitions of the contract', () => {
    for (const from of APPLICATION_STATUSES) {
      for (const to of APPLICATION_STATUSES) {
        const expected = ALLOWED.some(([f, t]) => f === from && t === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
        expect(checkTransition(from, to).allowed).toBe(expected);
      }
    }
  });

  it('treats ADOPTED, REJECTED and WITHDRAWN as final', () => {
    expect(APPLICATION_STATUSES.filter(isFinal)).toEqual(['ADOPTED', 'REJECTED', 'WITHDRAWN']);
  });

  it('refuses other transitions with CONFLICT naming the current and requested status', () => {
    const error = conflictOf(() => assertTransition('ADOPTED', 'WITHDRAWN'));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'ADOPTED', requestedStatus: 'WITHDRAWN' });
    expect(error.message).toContain('ADOPTED');
    expect(error.message).toContain('WITHDRAWN');
    expect(error.message).toContain('final');
    const skip = conflictOf(() => assertTransition('DRAFT', 'ADOPTED'));
    expect(skip.message).toContain('only SUBMITTED or WITHDRAWN');
    expect(() => assertTransition('DRAFT', 'SUBMITTED')).not.toThrow();
  });

  it('refuses a self-transition (submitting twice is not a transition)', () => {
    for (const status of APPLICATION_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  it('lets only drafts be edited', () => {
    expect(() => assertEditable('DRAFT', 'saveApplication')).not.toThrow();
    for (const status of APPLICATION_STATUSES.filter((s) => s !== 'DRAFT')) {
      const error = conflictOf(() => assertEditable(status, 'saveApplication'));
      expect(error.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: status, operation: 'saveApplication' });
    }
  });

  it('recognises status names', () => {
    expect(isApplicationStatus('SUBMITTED')).toBe(true);
    expect(isApplicationStatus('submitted')).toBe(false);
    expect(isApplicationStatus(null)).toBe(false);
  });

  describe('random transition sequences (property-based)', () => {
    const status = fc.constantFrom(...APPLICATION_STATUSES);

    /** Applies requests the way the service does: refused ones throw and leave the state unchanged. */
    function run(requests: ApplicationStatusName[]) {
      let current: ApplicationStatusName = 'DRAFT';
      const events: Array<[ApplicationStatusName | null, ApplicationStatusName]> = [[null, 'DRAFT']];
      for (const to of requests) {
        try {
          assertTransition(current, to);
          events.push([current, to]);
          current = to;
        } catch (error) {
          expect((error as GraphQLError).extensions.code).toBe('CONFLICT');
        }
      }
      return { current, events };
    }

    it('keeps an event log that is a path of the machine from DRAFT', () => {
      fc.assert(fc.property(fc.array(status, { maxLength: 30 }), (requests) => {
        const { current, events } = run(requests);
        for (let i = 1; i < events.length; i += 1) {
          expect(events[i][0]).toBe(events[i - 1][1]);
          expect(canTransition(events[i][0]!, events[i][1])).toBe(true);
        }
        expect(events.at(-1)![1]).toBe(current);
      }));
    });

    it('has at most three events (create, submit, decide or withdraw) and at most one SUBMITTED event', () => {
      fc.assert(fc.property(fc.array(status, { maxLength: 30 }), (requests) => {
        const { events } = run(requests);
        expect(events.length).toBeLessThanOrEqual(3);
        expect(events.filter(([, to]) => to === 'SUBMITTED').length).toBeLessThanOrEqual(1);
      }));
    });

    it('never leaves a final status, and a decision always follows a submission', () => {
      fc.assert(fc.property(fc.array(status, { maxLength: 30 }), (requests) => {
        const { events } = run(requests);
        const finalAt = events.findIndex(([, to]) => isFinal(to));
        if (finalAt >= 0) expect(finalAt).toBe(events.length - 1);
        events.forEach(([from, to]) => {
          if (to === 'ADOPTED' || to === 'REJECTED') expect(from).toBe('SUBMITTED');
        });
      }));
    });
  });
});

describe('fiscalYearOf (年度, Asia/Tokyo)', () => {
  it('starts the year on 1 April in Japan', () => {
    expect(fiscalYearOf(new Date('2026-03-31T23:59:59+09:00'))).toBe(2025);
    expect(fiscalYearOf(new Date('2026-04-01T00:00:00+09:00'))).toBe(2026);
    // 2026-03-31T15:00Z is already 1 April in Tokyo
    expect(fiscalYearOf(new Date('2026-03-31T15:00:00Z'))).toBe(2026);
    expect(fiscalYearOf(new Date('2026-03-31T14:59:59Z'))).toBe(2025);
  });

  it('keeps January to March in the previous year and December in the same', () => {
    expect(fiscalYearOf(new Date('2027-01-15T12:00:00+09:00'))).toBe(2026);
    expect(fiscalYearOf(new Date('2026-12-31T23:59:59+09:00'))).toBe(2026);
  });

  it('rejects an invalid date', () => {
    expect(() => fiscalYearOf(new Date('nope'))).toThrow(RangeError);
  });
});

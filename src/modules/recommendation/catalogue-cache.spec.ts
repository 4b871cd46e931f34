import { describe, expect, it } from 'vitest';
import { statementCounterStorage } from '../../db/client.js';
import { BackgroundRefreshed } from './catalogue-cache.js';

/** A read that answers 1, 2, 3 … and can be told to fail, recording whether a statement counter was in scope. */
function counterRead() {
  const state = { reads: 0, fail: false, counted: [] as boolean[], previous: [] as Array<number | null> };
  const read = async (previous: number | null) => {
    state.counted.push(statementCounterStorage.getStore() !== undefined);
    state.previous.push(previous);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (state.fail) throw new Error('database down');
    state.reads += 1;
    return state.reads;
  };
  return { state, read };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A cell over a counting read (ttl 1,000), optionally with its first value (1, read at 0) already in. */
async function cellOf(options: { loaded?: boolean } = {}) {
  const { state, read } = counterRead();
  const cell = new BackgroundRefreshed(1_000, read);
  if (options.loaded) await cell.get(0);
  return { state, cell };
}

describe('BackgroundRefreshed', () => {
  it('reads once for concurrent first callers, then serves the value without reading until it is old', async () => {
    const { state, cell } = await cellOf();
    expect(await Promise.all([cell.get(0), cell.get(0), cell.get(10)])).toEqual([1, 1, 1]);
    expect(await cell.get(999)).toBe(1);
    expect(state.reads).toBe(1);
  });

  it('answers an old value at once and re-reads it in the background, outside the caller\'s statement count', async () => {
    const { state, cell } = await cellOf({ loaded: true });
    const counter = { count: 0 };
    expect(await statementCounterStorage.run(counter, () => cell.get(1_000))).toBe(1);
    expect(await statementCounterStorage.run(counter, () => cell.get(1_001))).toBe(1); // one re-read at a time
    await settle();
    expect(state.counted).toEqual([false, false]);
    expect(state.previous).toEqual([null, 1]);
    expect(await cell.get(1_002)).toBe(2);
    expect(state.reads).toBe(2);
  });

  it('keeps the value when a background re-read fails, and the next call tries again', async () => {
    const { state, cell } = await cellOf({ loaded: true });
    state.fail = true;
    expect(await cell.get(1_000)).toBe(1);
    await settle();
    expect(await cell.get(1_001)).toBe(1);
    state.fail = false;
    await settle();
    expect(await cell.get(1_002)).toBe(2);
  });

  it('lets a failed first read fail its callers, and reads again on the next call', async () => {
    const { state, cell } = await cellOf();
    state.fail = true;
    await expect(cell.get(0)).rejects.toThrow('database down');
    state.fail = false;
    expect(await cell.get(1)).toBe(1);
  });

  it('waits for a new read when asked for a fresh value', async () => {
    const { cell } = await cellOf({ loaded: true });
    expect(await cell.get(1, true)).toBe(2);
    expect(await cell.get(2)).toBe(2);
  });
});

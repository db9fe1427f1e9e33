import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReleaseQueue } from '../src/release-queue.js';

describe('release queue (one timer per delay)', () => {
  it('releases every item once its delay has passed, in the order queued, never before', async () => {
    const released: string[] = [];
    const queue = new ReleaseQueue<string>((item) => released.push(item));
    const start = performance.now();
    queue.add('a', 30);
    queue.add('b', 5);
    queue.add('c', 30);
    expect(queue.size).toBe(3);
    await sleep(15);
    expect(released).toEqual(['b']);
    await sleep(40);
    expect(released).toEqual(['b', 'a', 'c']);
    expect(performance.now() - start).toBeGreaterThanOrEqual(30);
    expect(queue.size).toBe(0);
  });

  it('keeps releasing the others when one release throws', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => {
      if (item === 2) throw new Error('boom');
      released.push(item);
    });
    for (const item of [1, 2, 3]) queue.add(item, 1);
    await sleep(20);
    expect(released).toEqual([1, 3]);
    expect(queue.size).toBe(0);
  });

  it('releases a long queue whose items fall due in two waves, all of them, in order', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => released.push(item));
    for (let i = 0; i < 2_000; i++) queue.add(i, 30);
    await sleep(15);
    for (let i = 2_000; i < 3_500; i++) queue.add(i, 30);
    while (queue.size > 0) await sleep(10);
    expect(released).toHaveLength(3_500);
    expect(released.every((item, i) => item === i)).toBe(true);
  });
});

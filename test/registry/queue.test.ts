import { describe, expect, it, vi } from 'vitest';
import { Queue } from '../../src/registry/queue.js';

describe('Queue', () => {
  it('gives items back first in, first out, across compactions, and undefined when empty', () => {
    const queue = new Queue<number>();
    const out: number[] = [];
    let next = 0;
    // Interleaved pushes and shifts, long enough to compact the backing array many times.
    for (let round = 0; round < 50; round++) {
      for (let index = 0; index < 700; index++) queue.push(next++);
      for (let index = 0; index < 500; index++) out.push(queue.shift()!);
    }
    while (queue.size > 0) out.push(queue.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, index) => index));
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it('keeps each operation O(1): never moves the waiting items, and compacts what was consumed', () => {
    const queue = new Queue<number>();
    const shift = vi.spyOn(Array.prototype, 'shift');
    try {
      for (let index = 0; index < 100_000; index++) queue.push(index);
      let largest = 0;
      while (queue.size > 0) {
        queue.shift();
        largest = Math.max(largest, (queue as unknown as { items: unknown[] }).items.length);
      }
      expect(shift).not.toHaveBeenCalled(); // Array#shift moves every remaining item: O(n) per call
      expect(largest).toBe(100_000);
      expect((queue as unknown as { items: unknown[] }).items.length).toBeLessThan(2048); // consumed slots released
    } finally {
      shift.mockRestore();
    }
  });
});

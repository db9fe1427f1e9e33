import { definePolicy } from '@zrm/core';
import { TraceMarks } from '../src/trace-marks.js';
import { describe, expect, it } from 'vitest';

const policy = definePolicy();
const owner = (ended = false) => ({ ended });

describe('TraceMarks', () => {
  it('keeps a trace marked while any of its owners runs, whatever the grace period', () => {
    const marks = new TraceMarks();
    marks.graceMs = 0;
    const first = owner(true);
    const second = owner(false);
    marks.mark('t1', first, policy);
    marks.mark('t1', second, policy);
    expect(marks.lookup('t1')).toBe(policy);
    marks.clear();
  });

  it('forgets a trace once every owner ended and the grace period passed', async () => {
    const marks = new TraceMarks();
    marks.graceMs = 1;
    const o = owner();
    marks.mark('t2', o, policy);
    o.ended = true;
    expect(marks.lookup('t2')).toBe(policy);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(marks.lookup('t2')).toBeUndefined();
    marks.sweep();
    expect(marks.size).toBe(0);
  });

  it('stays bounded: at the cap it drops expired marks first, then the oldest', () => {
    const marks = new TraceMarks();
    marks.maxMarks = 3;
    marks.graceMs = 10_000;
    const live = [owner(), owner(), owner(), owner()];
    live.forEach((o, i) => marks.mark(`t${i}`, o, policy));
    expect(marks.size).toBe(3);
    expect(marks.lookup('t0')).toBeUndefined();
    expect(marks.lookup('t3')).toBe(policy);
    marks.clear();
  });

  it('holds at most 16 owners per trace and keeps the newest', () => {
    const marks = new TraceMarks();
    const owners = Array.from({ length: 20 }, () => owner());
    for (const o of owners) marks.mark('t', o, policy);
    for (const o of owners) o.ended = true;
    owners[19]!.ended = false;
    expect(marks.lookup('t')).toBe(policy);
    marks.clear();
  });

  it('owns: the traces an owner marked; fail closed for no trace, no marks, or more than it remembers', () => {
    const marks = new TraceMarks();
    const o = owner();
    expect(marks.owns(o, 'a')).toBe(true);
    marks.mark('a', o, policy);
    expect(marks.owns(o, 'a')).toBe(true);
    expect(marks.owns(o, 'b')).toBe(false);
    expect(marks.owns(o, undefined)).toBe(true);
    for (let i = 0; i < 16; i++) marks.mark(`t${i}`, o, policy);
    expect(marks.owns(o, 'b')).toBe(true);
    marks.clear();
    expect(marks.owns(o, 'b')).toBe(true);
    marks.mark('a', o, policy);
    expect(marks.owns(o, 'b')).toBe(false);
    marks.clear();
  });
});

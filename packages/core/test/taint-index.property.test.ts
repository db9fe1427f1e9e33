import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '@zrm/core';
import { REDACTED, TaintIndex, createTaintOwner } from '../src/taint-index.js';

// The index is tested directly here: one fresh index per run, so no other test's taint is in it.
const taint = definePolicy({ taint: { graceMs: 0 } }).taint;

/** Texts over a small alphabet repeat k-grams often: the hard case for winnowing's hash ties. */
const text = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'x'), minLength: min, maxLength: max });

describe('taint index (winnowed fragments)', () => {
  it('catches every run of fragmentLength characters of a registered value, wherever it is cut', () => {
    fc.assert(
      fc.property(
        text(17, 400),
        fc.nat(),
        fc.integer({ min: 16, max: 60 }),
        text(0, 30),
        (value, at, length, around) => {
          const index = new TaintIndex();
          index.add(createTaintOwner(taint), value);
          const start = at % (value.length - 15);
          const run = value.slice(start, start + length);
          // "#" is not in the alphabet: the run cannot be extended into its surroundings
          const out = index.scrub(`${around}#${run}#${around}`);
          expect(out).not.toContain(run);
          expect(out).toContain(REDACTED);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('leaves runs shorter than fragmentLength alone (no over-redaction of ordinary text)', () => {
    fc.assert(
      fc.property(text(17, 300), fc.nat(), fc.integer({ min: 1, max: 15 }), (value, at, length) => {
        const index = new TaintIndex();
        index.add(createTaintOwner(taint), value);
        const start = at % (value.length - length + 1);
        const run = value.slice(start, start + length);
        expect(index.scrub(`#${run}#`)).toBe(`#${run}#`);
      }),
      { numRuns: 400 },
    );
  });

  it('indexes a 210-character text with far fewer fragments than characters', () => {
    const index = new TaintIndex();
    const value = 'Your appointment with doctor Rivera is confirmed for Tuesday at nine. '.repeat(
      3,
    );
    index.add(createTaintOwner(taint), value);
    // every window of 16 would be 195 fragments; winnowing keeps about 2 in 10 k-grams
    expect(index.fragmentCount).toBeGreaterThan(0);
    expect(index.fragmentCount).toBeLessThan(80);
    expect(index.scrub(`said: ${value.slice(100, 116)}.`)).toBe(`said: ${REDACTED}.`);
  });

  it('releases every fragment of every owner, and stays correct after a burst grows and resets it', () => {
    const index = new TaintIndex();
    const owners = Array.from({ length: 3_000 }, (_, i) => {
      const owner = createTaintOwner(taint);
      index.add(
        owner,
        `patient ${i} said the card number is 4111 1111 1111 ${String(i).padStart(4, '0')}`,
      );
      return owner;
    });
    expect(index.ownerCount).toBe(3_000);
    expect(index.scrub('card number is 4111 1111 1111 2999')).toBe(REDACTED);
    for (const owner of owners.slice(0, 2_999)) index.release(owner);
    // the last owner's own text is still caught, the released ones are not
    expect(index.scrub('patient 2999 said the card number')).toBe(REDACTED);
    expect(index.scrub('patient 1234 said the card')).toBe('patient 1234 said the card');
    index.release(owners[2_999]!);
    expect(index.isEmpty).toBe(true);
    expect(index.fragmentCount).toBe(0);
    expect(index.ownerCount).toBe(0);
    const again = createTaintOwner(taint);
    index.add(again, 'registered after the index was reset to its first size');
    // the common run starts at the space before "after": it is scrubbed too
    expect(index.scrub('x: after the index was reset')).toBe(`x:${REDACTED}`);
  });

  it('indexes the text forms of a binary value only once a scanned text could hold one', () => {
    const index = new TaintIndex();
    const owner = createTaintOwner(taint);
    const audio = randomBytes(64 * 1024);
    index.add(owner, 'a registered transcript of the call');
    index.addBinary(owner, audio);
    const textFragments = index.fragmentCount;
    // a short line, or one without a long run of base64 / hex characters, needs no forms
    expect(index.scrub('request completed in 12 ms, trace 4bf92f3577b34da6a3ce929d0e0e4736')).toBe(
      'request completed in 12 ms, trace 4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(index.fragmentCount).toBe(textFragments);
    const base64 = audio.toString('base64');
    const leaked = base64.slice(30_000, 32_000);
    expect(index.scrub(`audio=${leaked}`)).toBe(`audio=${REDACTED}`);
    expect(index.fragmentCount).toBeGreaterThan(textFragments);
    const hex = audio.toString('hex').slice(10_000, 14_000);
    expect(index.scrub(`<${hex}>`)).toBe(`<${REDACTED}>`);
  });

  it('catches the bytes as they were registered, even if the caller reuses its buffer', () => {
    const index = new TaintIndex();
    const owner = createTaintOwner(taint);
    const buffer = randomBytes(4096);
    const original = buffer.toString('base64');
    index.addBinary(owner, buffer);
    buffer.fill(0);
    expect(index.scrub(`x ${original.slice(1000, 1400)} y`)).toBe(`x ${REDACTED} y`);
  });

  it('forgets a binary value whose owner is released before any scan needed its forms', () => {
    const index = new TaintIndex();
    const owner = createTaintOwner(taint);
    const audio = randomBytes(8192);
    index.addBinary(owner, audio);
    expect(index.isEmpty).toBe(false);
    expect(index.ownerCount).toBe(1);
    index.release(owner);
    expect(index.isEmpty).toBe(true);
    expect(index.ownerCount).toBe(0);
    const leaked = audio.toString('base64').slice(100, 1100);
    expect(index.scrub(leaked)).toBe(leaked);
    expect(index.fragmentCount).toBe(0);
  });

  it('keeps every value findable while the index grows its table, and after releases', () => {
    const index = new TaintIndex();
    // about 400 winnowed fragments per value: 400 values pass the first table's 131,072
    const values = Array.from({ length: 400 }, () => randomBytes(1_500).toString('base64'));
    const owners = values.map((value) => {
      const owner = createTaintOwner(taint);
      index.add(owner, value);
      return owner;
    });
    expect(index.fragmentCount).toBeGreaterThan(2 * 65_536);
    for (const i of [0, 199, 399]) {
      const leaked = values[i]!.slice(700, 740);
      expect(index.scrub(`[${leaked}]`)).toBe(`[${REDACTED}]`);
    }
    for (const owner of owners.slice(0, 200)) index.release(owner);
    const gone = values[10]!.slice(700, 740);
    expect(index.scrub(`[${gone}]`)).toBe(`[${gone}]`);
    expect(index.scrub(`[${values[300]!.slice(5, 45)}]`)).toBe(`[${REDACTED}]`);
  });
});

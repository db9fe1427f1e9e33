import { describe, expect, it, vi } from 'vitest';
import {
  REDACTED,
  definePolicy,
  markSensitive,
  redact,
  runWithScope,
  scrubString,
  scrubUrl,
  type RedactionEvent,
} from '@zrm/core';
import { createScope } from '@zrm/core/adapter';

const quick = definePolicy({ taint: { graceMs: 0 } });
const secret = () => `zrm-${Math.random().toString(36).slice(2)}-the patient's card is 4111 1111`;

/** A ZRM request still in flight, whose content some other context writes. */
function inFlightZrm(text: string) {
  const scope = createScope({ zeroRetention: true, requestId: 'zrm-1', policy: quick });
  scope.run(() => markSensitive(text));
  return scope;
}

describe('the net in every context (guarantee 5)', () => {
  it("removes an in-flight ZRM request's content from strings written in an ordinary scope", () => {
    const text = secret();
    const zrm = inFlightZrm(text);
    const events: RedactionEvent[] = [];
    const ordinary = definePolicy({ onRedaction: (event) => events.push(event) });
    runWithScope({ zeroRetention: false, requestId: 'ord-7', policy: ordinary }, () => {
      expect(scrubString(`batch: ${text}; ordinary text kept`, 'batcher')).toBe(
        `batch: ${REDACTED}; ordinary text kept`,
      );
      expect(redact({ inputs: ['ordinary input', text] }, { sink: 'pino' })).toEqual({
        inputs: ['ordinary input', REDACTED],
      });
      expect(scrubUrl(`/v1/x?q=${encodeURIComponent(text)}&voice=v1`)).toBe(
        `/v1/x?q=${REDACTED}&voice=v1`,
      );
    });
    zrm.end();
    expect(events).toEqual([
      { kind: 'cross-context', count: 1, sink: 'batcher', requestId: 'ord-7' },
      { kind: 'cross-context', count: 1, sink: 'pino', requestId: 'ord-7' },
      { kind: 'cross-context', count: 1, sink: undefined, requestId: 'ord-7' },
    ]);
    expect(JSON.stringify(events)).not.toContain('patient');
  });

  it('removes it in an ended scope and in another ZRM-free scope nested anywhere', async () => {
    const text = secret();
    const zrm = inFlightZrm(text);
    const ended = createScope({ zeroRetention: false, requestId: 'gone' });
    ended.end();
    expect(ended.run(() => scrubString(`socket data ${text}`))).toBe(`socket data ${REDACTED}`);
    await runWithScope({ zeroRetention: false }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(scrubString(text)).toBe(REDACTED);
    });
    zrm.end();
  });

  it('keeps ordinary content complete and returns the same references when nothing is registered', () => {
    const zrm = inFlightZrm(secret());
    const record = { text: 'an ordinary transcript, kept whole', n: 3 };
    runWithScope({ zeroRetention: false }, () => {
      expect(redact(record)).toBe(record);
      expect(scrubString(record.text)).toBe(record.text);
    });
    zrm.end();
  });

  it('counts nothing and changes nothing once the ZRM request is released', () => {
    const text = secret();
    inFlightZrm(text).end();
    const onRedaction = vi.fn();
    runWithScope({ zeroRetention: false, policy: { onRedaction } }, () => {
      expect(scrubString(text)).toBe(text);
    });
    expect(onRedaction).not.toHaveBeenCalled();
  });

  it('counts removals inside the ZRM scope as redactions, not as cross-context', () => {
    const onRedaction = vi.fn();
    runWithScope({ zeroRetention: true, policy: { onRedaction, taint: { graceMs: 0 } } }, () => {
      const text = secret();
      markSensitive(text);
      expect(scrubString(text)).toBe(REDACTED);
      expect(redact({ note: text })).toEqual({ note: REDACTED });
    });
    expect(onRedaction.mock.calls.map(([event]) => (event as RedactionEvent).kind)).toEqual([
      'redacted',
    ]);
  });

  it('scrubs a URL in the mode a sink asks for, whatever the current scope', () => {
    const text = secret();
    const zrm = inFlightZrm(text);
    const onRedaction = vi.fn();
    const url = `/v1/x/${encodeURIComponent(text)}?q=${encodeURIComponent(text)}&voice=v1`;
    runWithScope({ zeroRetention: true, policy: { onRedaction } }, () => {
      // a record the sink judged ordinary, written from a ZRM context: only registered content goes
      expect(scrubUrl(url, 'sentry', { zeroRetention: false })).toBe(
        `/v1/x/${REDACTED}?q=${REDACTED}&voice=v1`,
      );
    });
    runWithScope({ zeroRetention: false }, () => {
      // a ZRM record written from an ordinary context: every unsafe query value goes
      expect(scrubUrl('/v1/x?voice=v1&model_id=m', 'sentry', { zeroRetention: true })).toBe(
        `/v1/x?voice=${REDACTED}&model_id=m`,
      );
    });
    zrm.end();
    expect(onRedaction.mock.calls.map(([event]) => (event as RedactionEvent).kind)).toEqual([
      'cross-context',
    ]);
  });
});

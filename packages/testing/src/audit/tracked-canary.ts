import type { Canary, TextCanary } from '../types.js';
import type { PlannedRequest } from './plan.js';
import { readField } from './probe-url.js';
import type { ProbeReply } from './probe-reply.js';
import type { CanaryClass, OrdinaryExpectation } from './types.js';

/** A canary the audit sent (or read back from an answer), and what it stands for. */
export interface TrackedCanary {
  canary: Canary;
  mode: CanaryClass;
  /** Derived content (a transcript read from a response): never required in ordinary sinks. */
  derived: boolean;
  /** The probe the request went to (a flag row goes to the flag probe). */
  probe: string;
  /** In words, for the report: `tts text`, `stt audio`, `flag row "absent" text`. */
  description: string;
}

const MIN_DERIVED = 16;

function derivedCanary(planned: PlannedRequest, reply: ProbeReply): TextCanary | undefined {
  const field = planned.probe.responseTextField;
  if (field === undefined) return undefined;
  const value = readField(reply.json, field);
  if (typeof value !== 'string' || value.length < MIN_DERIVED) return undefined;
  return Object.freeze({
    kind: 'text',
    label: `${planned.label}-response`,
    value,
    fragments: Object.freeze([]),
  });
}

/** The canaries of one request: its text and audio, and the derived text of its answer. */
export function trackRequest(planned: PlannedRequest, reply: ProbeReply): TrackedCanary[] {
  const probe = planned.probe.name;
  const sender =
    planned.row !== undefined
      ? `flag row "${planned.row.name}"`
      : planned.closing
        ? `closing ${probe}`
        : probe;
  const tracked: TrackedCanary[] = [];
  for (const canary of [planned.text, planned.audio]) {
    if (canary === undefined) continue;
    const description = `${sender} ${canary.kind}`;
    tracked.push({ canary, mode: planned.mode, derived: false, probe, description });
  }
  const derived = derivedCanary(planned, reply);
  if (derived !== undefined) {
    const description = `${sender} answer's "${planned.probe.responseTextField}"`;
    tracked.push({ canary: derived, mode: planned.mode, derived: true, probe, description });
  }
  return tracked;
}

/** Derived texts that ordinary and ZRM requests share (a fixed transcript) prove nothing either way. */
export function dropSharedDerived(tracked: readonly TrackedCanary[]): TrackedCanary[] {
  const values = new Map<string, Set<string>>();
  for (const t of tracked) {
    if (!t.derived || t.canary.kind !== 'text') continue;
    const modes = values.get(t.canary.value) ?? new Set<string>();
    modes.add(t.mode === 'ordinary' ? 'ordinary' : 'restricted');
    values.set(t.canary.value, modes);
  }
  return tracked.filter(
    (t) => !t.derived || t.canary.kind !== 'text' || values.get(t.canary.value)?.size === 1,
  );
}

/** The ordinary canaries a sink with this expectation must hold (`any` needs one of them; `bytes` and `none` none). */
export function expectedOrdinary(
  expectation: OrdinaryExpectation,
  tracked: readonly TrackedCanary[],
): TrackedCanary[] {
  if (expectation === 'bytes' || expectation === 'none') return [];
  const ordinary = tracked.filter((t) => t.mode === 'ordinary' && !t.derived);
  return Array.isArray(expectation)
    ? ordinary.filter((t) => expectation.includes(t.probe))
    : ordinary;
}

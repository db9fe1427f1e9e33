import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type Scenario } from './support/scenario.js';
import {
  foundLabels,
  LOCATIONS,
  speak,
  speakCanaries,
  type SpeakCanaries,
} from './support/speak.js';

const PAIRS = 6;

function requests(prefix: string): SpeakCanaries[] {
  return Array.from({ length: PAIRS }, (_, i) => speakCanaries(`${prefix}${i}`));
}

function labels(prefix: string): string[] {
  return Array.from({ length: PAIRS }, (_, i) => LOCATIONS.map((l) => `${prefix}${i}-${l}`))
    .flat()
    .sort();
}

describe('ZRM and ordinary requests at the same time, on one app', () => {
  const zrm = requests('zrm');
  const ordinary = requests('ord');
  const found = (which: 'sent' | 'control', list: SpeakCanaries[]) =>
    foundLabels(
      scenario[which].envelopes,
      list.flatMap((c) => Object.values(c)),
    );
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await runScenario({}, async (app) => {
      const statuses = await Promise.all(
        zrm.flatMap((c, i) => [speak(app, c, true), speak(app, ordinary[i]!, false)]),
      );
      expect(statuses).toEqual(Array.from({ length: 2 * PAIRS }, () => 500));
    });
  });

  afterAll(() => scenario.close());

  it('positive control: without the integration every ZRM canary arrives', () => {
    expect(found('control', zrm)).toEqual(labels('zrm'));
  });

  it("sends none of the ZRM requests' canaries", () => {
    expect(found('sent', zrm)).toEqual([]);
  });

  it('sends every canary of every ordinary request', () => {
    expect(found('sent', ordinary)).toEqual(labels('ord'));
  });
});

import type { TextCanary } from '@zrm/testing';
import type { SentryApp } from './sentry-app.js';

/**
 * Sends a ZRM request that stays in flight (its text registered as content)
 * until `release()`; resolves once the app holds it.
 */
export async function holdZeroRetention(
  app: SentryApp,
  canary: TextCanary,
): Promise<{ release(): Promise<void> }> {
  const held = app.post('/hold?enable_logging=false', { text: canary.value }).then((r) => r.text());
  for (;;) {
    const res = await fetch(`${app.url}/held`);
    const { held: count } = (await res.json()) as { held: number };
    if (count > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    release: async () => {
      await (await app.post('/release', {})).text();
      await held;
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, findCanaries } from './support/canary.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { buildDist, startService, type ServiceProcess } from './support/service-process.js';

let receiver: OtlpReceiver;
let a: ServiceProcess;
let b: ServiceProcess;

beforeAll(async () => {
  buildDist();
  receiver = await startOtlpReceiver();
  b = await startService({ SERVICE: 'b', OTLP_URL: receiver.url });
  a = await startService({ SERVICE: 'a', OTLP_URL: receiver.url, PEER_URL: b.url });
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await receiver?.close();
});

/** What one service exported over OTLP/HTTP, as raw bytes (resource service.name tells them apart). */
async function exportedBy(service: 'service-a' | 'service-b'): Promise<string> {
  await Promise.all([a.flush(), b.flush()]);
  return receiver
    .received()
    .split('\n')
    .filter((body) => body.includes(`"${service}"`))
    .join('\n');
}

describe('two services in their own processes: A in ZRM calls B', () => {
  it('B honours the zrm=1 baggage of its trusted caller: B exports no canary in spans or pino log records', async () => {
    const secret = canary('two-services');
    const res = await fetch(`${a.url}/a?enable_logging=false&text=${secret}`);
    expect(await res.text()).toBe('a:zrm|b:zrm');
    const fromB = await exportedBy('service-b');
    const fromA = await exportedBy('service-a');
    expect(fromB).toContain('service b got [REDACTED]');
    expect(fromB).toContain('"url.path"');
    expect(findCanaries(fromB, [secret])).toEqual([]);
    expect(findCanaries(fromA, [secret])).toEqual([]);
  });

  it('A and B keep the content of an ordinary call', async () => {
    const secret = canary('two-ordinary');
    const res = await fetch(`${a.url}/a?text=${secret}`);
    expect(await res.text()).toBe('a:ordinary|b:ordinary');
    expect(findCanaries(await exportedBy('service-b'), [secret])).toEqual([secret]);
    expect(findCanaries(await exportedBy('service-a'), [secret])).toEqual([secret]);
  });

  it('B ignores zrm=1 from an untrusted caller and keeps its content (an attacker cannot hide)', async () => {
    const secret = canary('untrusted');
    const res = await fetch(`${b.url}/b?text=${secret}`, { headers: { baggage: 'zrm=1' } });
    expect(await res.text()).toBe('b:ordinary');
    expect(findCanaries(await exportedBy('service-b'), [secret])).toEqual([secret]);
  });
});

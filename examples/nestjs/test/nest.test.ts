import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildExample,
  canary,
  startService,
  synthesize,
  waitForOutput,
  type Answer,
  type ServiceOptions,
  type ServiceOutput,
} from './nest-process.js';

/**
 * A real Nest application on each of its platforms, wired as docs/nestjs.md
 * shows, in its own process: real requests on loopback, then the exact bytes of
 * its pino log file, stdout and stderr.
 */

interface Traffic {
  zrm: { query: string; text: string; error: string; malformed: string };
  ordinary: { query: string; text: string; error: string };
  answers: {
    zrm: Answer;
    zrmFailed: Answer;
    zrmMalformed: Answer;
    badFlag: Answer;
    ordinary: Answer;
    ordinaryFailed: Answer;
  };
  output: ServiceOutput;
}

/** ZRM requests first (query, body, a thrown error, malformed JSON), then ordinary ones. */
async function serve(options: ServiceOptions): Promise<Traffic> {
  const zrm = {
    query: canary('zq'),
    text: canary('zt'),
    error: canary('ze'),
    malformed: canary('zm'),
  };
  const ordinary = { query: canary('oq'), text: canary('ot'), error: canary('oe') };
  const service = await startService(options);
  try {
    const off = `?enable_logging=false&voice=${zrm.query}`;
    const answers = {
      zrm: await synthesize(service.url, off, { text: zrm.text }),
      zrmFailed: await synthesize(service.url, off, { text: zrm.error, fail: true }),
      zrmMalformed: await synthesize(service.url, off, `{"text": ${zrm.malformed}}`),
      badFlag: await synthesize(service.url, '?enable_logging=maybe', { text: 'hello' }),
      ordinary: await synthesize(service.url, `?voice=${ordinary.query}`, { text: ordinary.text }),
      ordinaryFailed: await synthesize(service.url, `?voice=${ordinary.query}`, {
        text: ordinary.error,
        fail: true,
      }),
    };
    // Nest logs an error after it has answered: wait for the last one
    await waitForOutput(service, (o) =>
      [o.log, o.stdout, o.stderr].some((text) => text.includes(ordinary.error)),
    );
    return { zrm, ordinary, answers, output: await service.stop() };
  } catch (error) {
    await service.stop();
    throw error;
  }
}

function everything({ log, stdout, stderr }: ServiceOutput): string {
  return log + stdout + stderr;
}

function logLines(log: string): Record<string, unknown>[] {
  return log
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function json(answer: Answer): Record<string, unknown> {
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** What every ZRM request and the flag row must have been answered, on either platform. */
function expectZrmAnswers(traffic: Traffic): void {
  const { answers } = traffic;
  expect(answers.zrm.status).toBe(201);
  expect(answers.zrm.headers.get('zero-retention')).toBe('enforced');
  expect(answers.zrm.headers.get('cache-control')).toContain('no-store');
  // the scope is visible inside the Nest controller: currentScope() and the request's own object
  expect(json(answers.zrm)).toMatchObject({ zeroRetention: true, requestZeroRetention: true });
  expect(json(answers.zrm).requestId).toEqual(expect.any(String));
  expect(answers.zrmFailed.status).toBe(500);
  expect(answers.zrmFailed.headers.get('zero-retention')).toBe('enforced');
  expect(answers.zrmMalformed.status).toBe(400);
  expect(answers.zrmMalformed.headers.get('zero-retention')).toBe('enforced');
  expect(answers.badFlag.status).toBe(400);
  expect(json(answers.badFlag)).toMatchObject({ error: { code: 'invalid_enable_logging' } });
  expect(answers.ordinary.status).toBe(201);
  expect(answers.ordinary.headers.get('zero-retention')).toBeNull();
  expect(json(answers.ordinary)).toMatchObject({
    zeroRetention: false,
    requestZeroRetention: false,
  });
}

function expectNoZrmCanary(traffic: Traffic): void {
  const all = everything(traffic.output);
  for (const value of Object.values(traffic.zrm)) expect(all).not.toContain(value);
}

/** Nest's ConsoleLogger lines of the ordinary requests, complete (NO_COLOR). */
function expectOrdinaryConsoleLines(traffic: Traffic): void {
  const { ordinary, output } = traffic;
  expect(output.stdout).toContain(
    `LOG [SpeechController] synthesizing "${ordinary.text}" with voice ${ordinary.query}\n`,
  );
  expect(output.stderr).toMatch(
    new RegExp(
      `ERROR \\[ExceptionsHandler\\] Error: synthesis failed for "${ordinary.error}"\\n {4}at SpeechController.synthesize`,
    ),
  );
}

beforeAll(() => buildExample(), 120_000);

describe('NestJS on Express: zeroRetention() via app.use, nestjs-pino as Nest’s logger', () => {
  it('keeps ZRM canaries of query, JSON body, malformed JSON and a thrown error out of the log, stdout and stderr; ordinary ones arrive complete', async () => {
    const traffic = await serve({ platform: 'express', wiring: 'zrm', guardConsole: false });
    expectZrmAnswers(traffic);
    expectNoZrmCanary(traffic);
    const { ordinary } = traffic;
    const lines = logLines(traffic.output.log);
    // the ZRM error was logged by Nest's ExceptionsHandler through pino, redacted (not dropped)
    expect(lines).toContainEqual(
      expect.objectContaining({
        context: 'ExceptionsHandler',
        zrm: true,
        err: expect.objectContaining({ message: '[REDACTED]' }),
      }),
    );
    // ordinary lines: the controller's message, the error with its stack, pino-http's URL
    expect(lines).toContainEqual(
      expect.objectContaining({
        context: 'SpeechController',
        msg: `synthesizing "${ordinary.text}" with voice ${ordinary.query}`,
      }),
    );
    const failed = lines.find((l) => l.context === 'ExceptionsHandler' && l.zrm === undefined);
    expect(failed?.err).toMatchObject({ message: `synthesis failed for "${ordinary.error}"` });
    expect((failed?.err as { stack: string }).stack).toMatch(
      new RegExp(`^Error: synthesis failed for "${ordinary.error}"\\n {4}at SpeechController`),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request completed',
        req: expect.objectContaining({ url: `/v1/text-to-speech?voice=${ordinary.query}` }),
      }),
    );
    // Nest's logger is pino: nothing about requests on the console
    expect(traffic.output.stderr).toBe('');
  });

  it('positive control: the same service without zrm logs the ZRM canaries', async () => {
    const traffic = await serve({ platform: 'express', wiring: 'plain', guardConsole: false });
    expect(traffic.answers.zrm.status).toBe(201);
    expect(traffic.answers.zrm.headers.get('zero-retention')).toBeNull();
    const { log } = traffic.output;
    expect(log).toContain(traffic.zrm.query);
    expect(log).toContain(traffic.zrm.text);
    expect(log).toContain(traffic.zrm.error);
  });

  it('Nest’s own ConsoleLogger prints a ZRM request’s text and error on stdout/stderr; guardConsole() keeps them out', async () => {
    const leaking = await serve({ platform: 'express', wiring: 'console', guardConsole: false });
    expect(leaking.output.stdout).toContain(leaking.zrm.text);
    expect(leaking.output.stderr).toContain(`Error: synthesis failed for "${leaking.zrm.error}"`);

    const guarded = await serve({ platform: 'express', wiring: 'console', guardConsole: true });
    expectZrmAnswers(guarded);
    expectNoZrmCanary(guarded);
    expectOrdinaryConsoleLines(guarded);
  });
});

describe('NestJS on Fastify: FastifyAdapter with @zrm/pino, app.register(zeroRetention), guardConsole()', () => {
  it('keeps ZRM canaries of query, JSON body, malformed JSON and a thrown error out of the log, stdout and stderr; ordinary ones arrive complete', async () => {
    const traffic = await serve({ platform: 'fastify', wiring: 'zrm', guardConsole: true });
    expectZrmAnswers(traffic);
    expectNoZrmCanary(traffic);
    expectOrdinaryConsoleLines(traffic);
    const lines = logLines(traffic.output.log);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'incoming request',
        req: expect.objectContaining({ url: `/v1/text-to-speech?voice=${traffic.ordinary.query}` }),
      }),
    );
    // the ZRM requests were logged by Fastify, content-free (not dropped)
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request completed',
        zrm: true,
        res: { statusCode: 500 },
      }),
    );
  });

  it('positive control: the same service without zrm logs the ZRM canaries', async () => {
    const traffic = await serve({ platform: 'fastify', wiring: 'plain', guardConsole: false });
    expect(traffic.answers.zrm.status).toBe(201);
    expect(traffic.answers.zrm.headers.get('zero-retention')).toBeNull();
    expect(traffic.output.log).toContain(traffic.zrm.query);
    expect(traffic.output.stdout).toContain(traffic.zrm.text);
    expect(traffic.output.stderr).toContain(traffic.zrm.error);
  });

  it('without guardConsole() Nest’s ConsoleLogger prints a ZRM request’s text and error, though the plugin is registered', async () => {
    const traffic = await serve({ platform: 'fastify', wiring: 'zrm', guardConsole: false });
    expect(traffic.answers.zrm.headers.get('zero-retention')).toBe('enforced');
    expect(traffic.output.log).not.toContain(traffic.zrm.query);
    expect(traffic.output.stdout).toContain(traffic.zrm.text);
    expect(traffic.output.stderr).toContain(`Error: synthesis failed for "${traffic.zrm.error}"`);
  });
});

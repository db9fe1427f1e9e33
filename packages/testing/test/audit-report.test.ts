import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '@zrm/testing';
import { audit, writeExpectations } from './fixtures/audit-run.js';
import { findChromium, launchChromium } from './fixtures/chromium.js';
import { startVoiceServiceIn } from './fixtures/voice-service.js';
import { freePort, makeWorkspace } from './fixtures/workspace.js';
import type { Workspace } from './fixtures/workspace.js';

// One real audit of the leaky service, written as HTML, Markdown and JSON.
let ws: Workspace;
let html: string;
let markdown: string;
let report: AuditReport;

beforeAll(async () => {
  ws = makeWorkspace();
  const otlpPort = await freePort();
  const service = await startVoiceServiceIn(ws, otlpPort, { leaky: true });
  try {
    html = join(ws.dir, 'report.html');
    markdown = join(ws.dir, 'report.md');
    const run = await audit(
      ['--url', service.url, '--config', writeExpectations(ws), '--api-key', 'key-tenant'].concat(
        ['--log-file', ws.logFile, '--temp-dir', ws.tempDir, '--otlp-port', String(otlpPort)],
        ['--settle-ms', '200', '--report', html, '--report', markdown, '--json'],
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`report written to ${html}`);
    report = JSON.parse(run.stdout) as AuditReport;
  } finally {
    await service.close();
  }
}, 60_000);
afterAll(() => ws.remove());

/** Every canary value starts so; a report that holds one quotes content. */
const CANARY_PREFIX = 'zrm canary ';

describe('zrm-audit --report FILE.md', () => {
  it('writes the verdict first and last, every sink with the form and offset of each canary found, and no content', () => {
    const text = readFileSync(markdown, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`# zrm-audit of ${report.target.replace(/[\\`*_[\]<>|]/g, '\\$&')}`);
    expect(lines[2]).toBe(`**${report.summary}**`);
    expect(lines.at(-1)).toBe(`**${report.summary}**`);
    expect(report.summary).toMatch(/^FAIL: /);
    for (const heading of [
      '## Sinks',
      '## Probes',
      '## Flag matrix',
      '### otlp:traces',
      '### history:api',
    ])
      expect(lines).toContain(heading);
    // each leak, as a row: what, how it was sent, the form, the chunk, the byte offset
    const leak = report.sinks.find((s) => s.sink === 'otlp:traces')!.leaks[0]!;
    expect(text).toContain(
      `| ${leak.description} | in ZRM (LEAK) | ${leak.form} | ${leak.source} | ${leak.offset} |`,
    );
    expect(text).toContain(
      `zrm-audit ${report.versions.audit}, zrm (@zrm/core) ${report.versions.zrm}, Node ${process.version}`,
    );
    expect(text).not.toContain(CANARY_PREFIX);
  });
});

const chromium = findChromium();
if (chromium === undefined && !process.env.CI)
  console.warn(
    'zrm-audit HTML report: chromium is not installed, the browser test is skipped (apt-get install -y chromium); CI fails instead.',
  );

describe.skipIf(chromium === undefined && !process.env.CI)(
  'zrm-audit --report FILE.html in a real headless browser',
  () => {
    it('renders the verdict within the first screen, with its styles, and makes no network request', async () => {
      if (chromium === undefined)
        throw new Error('chromium is required in CI: apt-get install -y chromium');
      const text = readFileSync(html, 'utf8');
      expect(text).not.toContain(CANARY_PREFIX);
      // the positive control of the request count: a page that loads an image from loopback
      const hits: string[] = [];
      const server = createServer((req, res) => {
        hits.push(req.url ?? '');
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const control = join(ws.dir, 'control.html');
      writeFileSync(
        control,
        `<!doctype html><p>control</p><img src="http://127.0.0.1:${(server.address() as AddressInfo).port}/pixel.png">`,
      );
      const browser = await launchChromium(chromium);
      try {
        const { page } = browser;
        await page.send('Network.enable');
        await page.send('Page.enable');
        await page.send('Emulation.setDeviceMetricsOverride', {
          width: 1280,
          height: 800,
          deviceScaleFactor: 1,
          mobile: false,
        });
        const requests = (): string[] =>
          page.events
            .filter((e) => e.method === 'Network.requestWillBeSent')
            .map((e) => (e.params!.request as { url: string }).url);

        const load = async (file: string): Promise<string[]> => {
          const before = requests().length;
          const loaded = page.next('Page.loadEventFired');
          await page.send('Page.navigate', { url: pathToFileURL(file).href });
          await loaded;
          return requests()
            .slice(before)
            .filter((url) => url !== pathToFileURL(file).href);
        };

        expect(await load(control)).toEqual([
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/pixel.png`,
        ]);
        expect(hits).toEqual(['/pixel.png']);

        expect(await load(html)).toEqual([]);
        const { result } = (await page.send('Runtime.evaluate', {
          returnByValue: true,
          expression: `(() => {
          const verdict = document.getElementById('verdict');
          const box = verdict.getBoundingClientRect();
          return {
            body: document.body.innerText,
            verdict: verdict.innerText,
            box: { top: box.top, bottom: box.bottom, left: box.left, right: box.right },
            viewport: { width: innerWidth, height: innerHeight },
            background: getComputedStyle(verdict).backgroundColor,
            title: document.title,
          };
        })()`,
        })) as {
          result: {
            value: {
              body: string;
              verdict: string;
              box: { top: number; bottom: number; left: number; right: number };
              viewport: { width: number; height: number };
              background: string;
              title: string;
            };
          };
        };
        const shown = result.value;
        expect(shown.verdict).toBe(report.summary);
        expect(shown.title).toBe(`FAIL — zrm-audit of ${report.target}`);
        // on the first screen, whole
        expect(shown.viewport).toEqual({ width: 1280, height: 800 });
        expect(shown.box.top).toBeGreaterThanOrEqual(0);
        expect(shown.box.left).toBeGreaterThanOrEqual(0);
        expect(shown.box.bottom).toBeLessThanOrEqual(shown.viewport.height);
        expect(shown.box.right).toBeLessThanOrEqual(shown.viewport.width);
        expect(shown.box.bottom - shown.box.top).toBeGreaterThan(0);
        // the inline style sheet applied: the FAIL banner's colour
        expect(shown.background).toBe('rgb(253, 236, 234)');
        // what a reviewer reads: sinks, evidence with offsets, probes, the flag matrix
        for (const words of [
          'Sinks',
          'Evidence, sink by sink',
          'Probes',
          'Flag matrix',
          'at byte',
          'otlp:traces',
          'in ZRM (LEAK)',
        ])
          expect(shown.body).toContain(words);
        expect(shown.body).not.toContain(CANARY_PREFIX);

        const shot = (await page.send('Page.captureScreenshot', { format: 'png' })) as {
          data: string;
        };
        const png = Buffer.from(shot.data, 'base64');
        const file = join(tmpdir(), `zrm-audit-report-${randomBytes(4).toString('hex')}.png`);
        writeFileSync(file, png);
        expect(readFileSync(file).subarray(0, 8)).toEqual(
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        );
        expect(png.length).toBeGreaterThan(10_000);
        console.log(`zrm-audit HTML report screenshot: ${file}`);
      } finally {
        await browser.close();
        server.close();
      }
    }, 60_000);
  },
);

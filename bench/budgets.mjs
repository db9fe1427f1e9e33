// Budgets checked by report.mjs (DESIGN.md "Performance budgets", plus core's own),
// on every Node line (bench/node-lines.mjs), side by side. Every figure compared
// is a median: for micro-benchmarks the median of the per-round medians of
// interleaved rounds (`name #n`, see lib/interleave.ts).
//
// kind 'ratio'     subject / baseline ≤ max                (same group, same run)
// kind 'added-us'  subject − baseline ≤ max microseconds   (the time a wrapper adds)
// kind 'rps'       subject req/s / baseline req/s ≥ min    (the line's http.json, autocannon)
// kind 'soak'      quiet heap after GC grows ≤ tolerance   (the line's soak.json, `pnpm soak`)
export const budgets = [
  {
    what: 'redact outside ZRM ≈ one AsyncLocalStorage read (1 KiB record)',
    group: 'redact 1 KiB record',
    subject: 'zrm redact, ordinary scope',
    baseline: 'one AsyncLocalStorage read, ordinary scope',
    max: 1.5,
  },
  {
    what: 'redact outside ZRM ≈ one AsyncLocalStorage read (16 KiB record)',
    group: 'redact 16 KiB record',
    subject: 'zrm redact, ordinary scope',
    baseline: 'one AsyncLocalStorage read, ordinary scope',
    max: 1.5,
  },
  {
    what: 'redact in ZRM ≤ @pinojs/redact on the same fields (1 KiB record)',
    group: 'redact 1 KiB record',
    subject: 'zrm redact, ZRM scope',
    baseline: '@pinojs/redact (same fields)',
    max: 1.0,
  },
  {
    what: 'redact in ZRM ≤ @pinojs/redact on the same fields (16 KiB record)',
    group: 'redact 16 KiB record',
    subject: 'zrm redact, ZRM scope',
    baseline: '@pinojs/redact (same fields)',
    max: 1.0,
  },
  {
    what: 'scrubString cost does not grow with the number of registered values (10 vs 1)',
    group: 'scrubString 4 KiB line',
    subject: '10 registered values of 2 KB',
    baseline: '1 registered values of 2 KB',
    max: 1.25,
  },
  {
    what: 'pino call in an ordinary scope, no ZRM request in flight ≤ 1.05 × plain pino (metadata line)',
    group: 'pino info, metadata line',
    subject: 'zrm pino, ordinary scope',
    baseline: 'plain pino, ordinary scope',
    max: 1.05,
  },
  {
    what: 'pino call in an ordinary scope, no ZRM request in flight ≤ 1.10 × plain pino (1 KiB record)',
    group: 'pino info, 1 KiB voice record',
    subject: 'zrm pino, ordinary scope',
    baseline: 'plain pino, ordinary scope',
    max: 1.1,
  },
  {
    what: 'Sentry error event from an ordinary request ≤ 1.10 × plain Sentry with a pass-through beforeSend',
    group: 'Sentry error event',
    subject: 'zrm Sentry, ordinary scope',
    baseline: 'plain Sentry (beforeSend), ordinary scope',
    max: 1.1,
  },
  ...['metadata line', '1 KiB voice record'].map((line) => ({
    what: `winston call in an ordinary scope, no ZRM request in flight ≤ 1.10 × plain winston (${line})`,
    group: `winston info, ${line}`,
    subject: 'zrm winston, ordinary scope',
    baseline: 'plain winston, ordinary scope',
    max: 1.1,
  })),
  ...[
    ['metadata line', 'metadata line'],
    ['1 KiB voice record', '1 KiB record'],
  ].flatMap(([group, line]) => [
    {
      what: `pino call in an ordinary scope, 1,000 ZRM requests in flight ≤ 1.15 × plain pino (${line})`,
      group: `pino info, ${group}, ZRM requests in flight`,
      subject: 'zrm pino, ordinary scope, ZRM requests in flight',
      baseline: 'plain pino, ordinary scope',
      max: 1.15,
    },
    {
      what: `pino call in an ordinary scope, ZRM requests arriving and ending ≤ 1.15 × plain pino (${line})`,
      group: `pino info, ${group}, ZRM requests in flight`,
      subject: 'zrm pino, ordinary scope, ZRM requests arriving',
      baseline: 'plain pino, ordinary scope',
      max: 1.15,
    },
  ]),
  {
    what: "pino call in ZRM ≤ 1.0 × pino's own redact on the same fields (small record)",
    group: 'pino info, small voice record',
    subject: 'zrm pino, ZRM scope',
    baseline: "pino's own redact (same fields), ZRM scope",
    max: 1.0,
  },
  {
    what: "pino call in ZRM ≤ 1.0 × pino's own redact on the same fields (1 KiB record)",
    group: 'pino info, 1 KiB voice record',
    subject: 'zrm pino, ZRM scope',
    baseline: "pino's own redact (same fields), ZRM scope",
    max: 1.0,
  },
  {
    kind: 'added-us',
    what: 'span through ZeroRetentionSpanProcessor adds ≤ 1 µs, ordinary (10 attributes)',
    group: 'span with 10 attributes',
    subject: 'SDK span, ZeroRetentionSpanProcessor, ordinary scope',
    baseline: 'SDK span, bare processor, ordinary scope',
    max: 1,
  },
  {
    kind: 'added-us',
    what: 'span through ZeroRetentionSpanProcessor adds ≤ 1 µs, ordinary, 1,000 ZRM requests in flight (10 attributes)',
    group: 'span with 10 attributes, ZRM requests in flight',
    subject: 'SDK span, ZeroRetentionSpanProcessor, ordinary scope, ZRM requests in flight',
    baseline: 'SDK span, bare processor, ordinary scope',
    max: 1,
  },
  {
    kind: 'added-us',
    what: 'span through ZeroRetentionSpanProcessor adds ≤ 5 µs, ZRM (10 attributes)',
    group: 'span with 10 attributes',
    subject: 'SDK span, ZeroRetentionSpanProcessor, ZRM scope',
    baseline: 'SDK span, bare processor, ZRM scope',
    max: 5,
  },
  ...['express', 'fastify'].flatMap((fw) => [
    // the ordinary path (issue "One decision, one adapter kit"): against any per-request context, and against none
    ...[
      [
        'the same app with one AsyncLocalStorage.run per request',
        'no adapter, AsyncLocalStorage.run per request',
        0.97,
      ],
      ['the app without it', 'no adapter', 0.92],
    ].map(([than, baseline, min]) => ({
      kind: 'rps',
      what: `ordinary request through the ${fw} adapter ≥ ${min * 100} % of ${than} (a route that logs the text once)`,
      group: `${fw}, adapter only`,
      subject: 'zrm, ordinary request',
      baseline,
      min,
    })),
    {
      kind: 'rps',
      what: `ZRM request through the ${fw} adapter ≥ 90 % of the app without it (a route that logs the text once)`,
      group: `${fw}, adapter only`,
      subject: 'zrm, ZRM request',
      baseline: 'no adapter',
      min: 0.9,
    },
    {
      kind: 'rps',
      what: `full stack (${fw}): ordinary request ≥ 97 % of the service without zrm`,
      group: `full stack (voice API, ${fw})`,
      subject: 'zrm, ordinary request',
      baseline: 'no zrm (leaky build)',
      min: 0.97,
    },
    {
      kind: 'rps',
      what: `full stack (${fw}): ZRM request ≥ 90 % of the service without zrm`,
      group: `full stack (voice API, ${fw})`,
      subject: 'zrm, ZRM request',
      baseline: 'no zrm (leaky build)',
      min: 0.9,
    },
  ]),
  {
    kind: 'soak',
    what: 'memory after the soak (half ZRM) is flat: quiet heap growth ≤ 2 MiB + 2 KiB/request',
  },
];

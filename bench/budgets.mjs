// Budgets checked by report.mjs. A ratio is the mean time of `subject` over the
// mean time of `baseline`, both measured in the same group of the same run.
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
];

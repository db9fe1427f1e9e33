/**
 * The conformance table: the design's flag and policy semantics as rows that
 * every adapter must answer the same way. A row names a policy variant (one
 * server per driver per variant), the request, and the outcome the design
 * gives it. Rows are written to the design, not to what an adapter does today.
 */
import type { PolicyOptions } from '@zrm/core';

/**
 * A policy callback as a JavaScript caller may write it, answering anything
 * (`undefined`, `'yes'`, a promise of either). Typed to fit every callback.
 */
type Callback = (req: unknown) => never;

const callback = (fn: (req: unknown) => unknown) => fn as Callback;
const answers = (value: unknown) => callback(() => value);
const resolves = (value: unknown) => callback(() => Promise.resolve(value));
const rejects = callback(() => Promise.reject(new Error('policy store down')));
const throws: Callback = () => {
  throw new Error('policy store down');
};

/**
 * A request header as every adapter's request has it: `req.headers[name]`
 * (Node, Express, Fastify, ws upgrade) or, for Hono's `Context`, `c.req.header(name)`.
 */
export function headerOf(req: unknown, name: string): string | undefined {
  const hono = (req as { req?: { header?: unknown } }).req;
  const value =
    typeof hono?.header === 'function'
      ? (hono.header as (name: string) => string | undefined)(name)
      : (req as { headers: Record<string, string | string[] | undefined> }).headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The stateful parameter of the table (stitching ids): refused together with ZRM. */
export const STATEFUL = 'previous_request_ids';

const base: PolicyOptions = {
  statefulParams: [STATEFUL],
  principal: (req) => headerOf(req, 'x-account'),
};

/**
 * The policy variants rows run under. The harness wraps `onRestricted` with
 * one that records events first, so a row can assert whether it fired.
 */
export const POLICIES = {
  'no options': {},
  'stateful params': base,
  'trusted peer': { ...base, trustPropagated: (req) => headerOf(req, 'x-peer') === 'trusted-peer' },
  'trustPropagated: throws': { ...base, trustPropagated: throws },
  "trustPropagated: 'yes'": { ...base, trustPropagated: answers('yes') },
  'entitled: true': { ...base, entitled: answers(true) },
  'entitled: false': { ...base, entitled: answers(false) },
  'entitled: undefined': { ...base, entitled: answers(undefined) },
  "entitled: 'yes'": { ...base, entitled: answers('yes') },
  'entitled: throws': { ...base, entitled: throws },
  'entitled: Promise<true>': { ...base, entitled: resolves(true) },
  'entitled: Promise<false>': { ...base, entitled: resolves(false) },
  'entitled: rejects': { ...base, entitled: rejects },
  'entitled: Promise<undefined>': { ...base, entitled: resolves(undefined) },
  'entitled: false, principal throws': { ...base, entitled: answers(false), principal: throws },
  'entitled: false, onRestricted throws': {
    ...base,
    entitled: answers(false),
    onRestricted: () => {
      throw new Error('mail server down');
    },
  },
  'force: true': { ...base, force: answers(true) },
  'force: true, entitled: false': { ...base, force: answers(true), entitled: answers(false) },
  'force: throws': { ...base, force: throws },
  'force: Promise<true>': { ...base, force: resolves(true) },
  'force: Promise<false>': { ...base, force: resolves(false) },
  'force: rejects': { ...base, force: rejects },
} satisfies Record<string, PolicyOptions>;

export type PolicyName = keyof typeof POLICIES;

/** The error codes of the flag table, with the HTTP status and `param` the design gives them. */
export const REFUSALS = {
  invalid_enable_logging: { status: 400, param: 'enable_logging' },
  zero_retention_not_allowed: { status: 403, param: undefined },
  zero_retention_unavailable: { status: 400, param: STATEFUL },
} as const;

export type RefusalCode = keyof typeof REFUSALS;

/** What the design says happens: the request is served in a mode, or refused with a code. */
export type Expected = { served: 'zrm' | 'ordinary' } | { refused: RefusalCode };

const ZRM: Expected = { served: 'zrm' };
const ORDINARY: Expected = { served: 'ordinary' };
const INVALID: Expected = { refused: 'invalid_enable_logging' };
const NOT_ALLOWED: Expected = { refused: 'zero_retention_not_allowed' };
const UNAVAILABLE: Expected = { refused: 'zero_retention_unavailable' };

/** Replaced by a fresh canary in every run: a flag value that must never be quoted. */
export const FLAG_CANARY = '{flag-canary}';

export interface RowRequest {
  /** Values of `enable_logging`, as written in the query string (percent-encoding allowed), in order. */
  enableLogging?: readonly string[];
  /** More raw query pairs (`a=b&c`), besides the canary the harness adds. */
  query?: string;
  headers?: Readonly<Record<string, string>>;
  /** JSON body fields, besides the canary the harness adds (for ws: fields of the message). */
  body?: Readonly<Record<string, unknown>>;
}

export interface Row {
  name: string;
  policy: PolicyName;
  request: RowRequest;
  expect: Expected;
  /** Whether the policy's `onRestricted` fires (with the `x-account` header as principal). Default: false. */
  restricted?: boolean;
}

const flag = (...values: string[]): RowRequest => ({ enableLogging: values });
const stateful = { [STATEFUL]: ['req_8f3a'] };
const statefulQuery = `${STATEFUL}=req_8f3a`;

const FLAG_ROWS: Row[] = [
  { name: 'no enable_logging', policy: 'no options', request: {}, expect: ORDINARY },
  { name: 'enable_logging=true', policy: 'no options', request: flag('true'), expect: ORDINARY },
  { name: 'enable_logging=1', policy: 'no options', request: flag('1'), expect: ORDINARY },
  { name: 'enable_logging=TRUE', policy: 'no options', request: flag('TRUE'), expect: ORDINARY },
  { name: 'enable_logging=false', policy: 'no options', request: flag('false'), expect: ZRM },
  { name: 'enable_logging=0', policy: 'no options', request: flag('0'), expect: ZRM },
  { name: 'enable_logging=FALSE', policy: 'no options', request: flag('FALSE'), expect: ZRM },
  { name: 'enable_logging=False', policy: 'no options', request: flag('False'), expect: ZRM },
  { name: 'enable_logging=yes', policy: 'no options', request: flag('yes'), expect: INVALID },
  { name: 'enable_logging=off', policy: 'no options', request: flag('off'), expect: INVALID },
  { name: 'enable_logging= (empty)', policy: 'no options', request: flag(''), expect: INVALID },
  {
    name: 'enable_logging (bare name, no =)',
    policy: 'no options',
    request: { query: 'enable_logging' },
    expect: INVALID,
  },
  {
    name: "enable_logging='false ' (trailing space, %20)",
    policy: 'no options',
    request: flag('false%20'),
    expect: INVALID,
  },
  {
    name: "enable_logging=' false' (leading space, %20)",
    policy: 'no options',
    request: flag('%20false'),
    expect: INVALID,
  },
  {
    name: "enable_logging='false ' (trailing space, +)",
    policy: 'no options',
    request: flag('false+'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=false%00 (encoded NUL)',
    policy: 'no options',
    request: flag('false%00'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=%EF%BD%86alse (fullwidth f)',
    policy: 'no options',
    request: flag('%EF%BD%86alse'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=%E0%A4%A (malformed percent-encoding)',
    policy: 'no options',
    request: flag('%E0%A4%A'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=<canary> (never quoted)',
    policy: 'no options',
    request: flag(FLAG_CANARY),
    expect: INVALID,
  },
  {
    name: 'enable_logging=<600 characters> (never quoted)',
    policy: 'no options',
    request: flag(`false${'x'.repeat(300)}${FLAG_CANARY}${'y'.repeat(250)}`),
    expect: INVALID,
  },
  {
    name: 'enable_logging=false&enable_logging=true (disagree)',
    policy: 'no options',
    request: flag('false', 'true'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=1&enable_logging=0 (disagree)',
    policy: 'no options',
    request: flag('1', '0'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=false&enable_logging=yes (one bad)',
    policy: 'no options',
    request: flag('false', 'yes'),
    expect: INVALID,
  },
  {
    name: 'enable_logging=false&enable_logging=0 (agree)',
    policy: 'no options',
    request: flag('false', '0'),
    expect: ZRM,
  },
  {
    name: 'enable_logging=true&enable_logging=1 (agree)',
    policy: 'no options',
    request: flag('true', '1'),
    expect: ORDINARY,
  },
  {
    name: 'enable%5Flogging=false (URL-encoded name)',
    policy: 'no options',
    request: { query: 'enable%5Flogging=false' },
    expect: ZRM,
  },
  {
    name: 'enable_logging=%66alse (URL-encoded value)',
    policy: 'no options',
    request: flag('%66alse'),
    expect: ZRM,
  },
  {
    name: 'enable_logging=%46%41%4C%53%45 (URL-encoded FALSE)',
    policy: 'no options',
    request: flag('%46%41%4C%53%45'),
    expect: ZRM,
  },
  {
    name: 'enable_logging=%74rue (URL-encoded value)',
    policy: 'no options',
    request: flag('%74rue'),
    expect: ORDINARY,
  },
];

const FORCE_ROWS: Row[] = [
  { name: 'forced, no enable_logging', policy: 'force: true', request: {}, expect: ZRM },
  {
    name: 'forced, enable_logging=true (still ZRM)',
    policy: 'force: true',
    request: flag('true'),
    expect: ZRM,
  },
  {
    name: 'forced, enable_logging=false',
    policy: 'force: true',
    request: flag('false'),
    expect: ZRM,
  },
  {
    name: 'forced, enable_logging=yes (bad input still refused)',
    policy: 'force: true',
    request: flag('yes'),
    expect: INVALID,
  },
  {
    name: 'forced, stateful param in the query',
    policy: 'force: true',
    request: { query: statefulQuery },
    expect: UNAVAILABLE,
  },
  {
    name: 'forced, stateful param in the JSON body',
    policy: 'force: true',
    request: { body: stateful },
    expect: UNAVAILABLE,
  },
  {
    name: 'forced for a principal that is not entitled, enable_logging=false',
    policy: 'force: true, entitled: false',
    request: { ...flag('false'), headers: { 'x-account': 'acct_forced' } },
    expect: ZRM,
  },
  {
    name: 'forced for a principal that is not entitled, no enable_logging',
    policy: 'force: true, entitled: false',
    request: {},
    expect: ZRM,
  },
  {
    name: 'force throws, no enable_logging (fail closed)',
    policy: 'force: throws',
    request: {},
    expect: ZRM,
  },
  {
    name: 'force throws, enable_logging=true (fail closed)',
    policy: 'force: throws',
    request: flag('true'),
    expect: ZRM,
  },
  {
    name: 'force rejects, no enable_logging (fail closed)',
    policy: 'force: rejects',
    request: {},
    expect: ZRM,
  },
  { name: 'force returns Promise<true>', policy: 'force: Promise<true>', request: {}, expect: ZRM },
  {
    name: 'force returns Promise<true>, enable_logging=true',
    policy: 'force: Promise<true>',
    request: flag('true'),
    expect: ZRM,
  },
  {
    name: 'force returns Promise<false>',
    policy: 'force: Promise<false>',
    request: {},
    expect: ORDINARY,
  },
  {
    name: 'force returns Promise<false>, enable_logging=false',
    policy: 'force: Promise<false>',
    request: flag('false'),
    expect: ZRM,
  },
  {
    name: 'force returns Promise<true>, stateful param in the query',
    policy: 'force: Promise<true>',
    request: { query: statefulQuery },
    expect: UNAVAILABLE,
  },
];

/** `entitled` answers, and whether they entitle: only `true` or a promise of `true` does. */
const ENTITLEMENTS: ReadonlyArray<readonly [PolicyName, boolean]> = [
  ['entitled: true', true],
  ['entitled: false', false],
  ['entitled: undefined', false],
  ["entitled: 'yes'", false],
  ['entitled: throws', false],
  ['entitled: Promise<true>', true],
  ['entitled: Promise<false>', false],
  ['entitled: rejects', false],
  ['entitled: Promise<undefined>', false],
];

const ENTITLEMENT_ROWS: Row[] = [
  ...ENTITLEMENTS.map(([policy, entitles]): Row => ({
    name: `${policy}, enable_logging=false`,
    policy,
    request: { ...flag('false'), headers: { 'x-account': 'acct_2291' } },
    expect: entitles ? ZRM : NOT_ALLOWED,
    restricted: !entitles,
  })),
  {
    name: 'entitled: false, no enable_logging (not asked, not restricted)',
    policy: 'entitled: false',
    request: {},
    expect: ORDINARY,
  },
  {
    name: 'entitled: false, enable_logging=true (not asked, not restricted)',
    policy: 'entitled: false',
    request: flag('true'),
    expect: ORDINARY,
  },
  {
    name: 'entitled: false, enable_logging=yes (bad input first, not restricted)',
    policy: 'entitled: false',
    request: flag('yes'),
    expect: INVALID,
  },
  {
    name: 'entitled: false, principal throws, enable_logging=false (refused, principal unknown)',
    policy: 'entitled: false, principal throws',
    request: flag('false'),
    expect: NOT_ALLOWED,
    restricted: true,
  },
  {
    name: 'entitled: false, onRestricted throws, enable_logging=false (still refused)',
    policy: 'entitled: false, onRestricted throws',
    request: { ...flag('false'), headers: { 'x-account': 'acct_2291' } },
    expect: NOT_ALLOWED,
    restricted: true,
  },
  {
    name: 'entitled: rejects, no enable_logging (not asked)',
    policy: 'entitled: rejects',
    request: {},
    expect: ORDINARY,
  },
];

const trustedPeer = { 'x-peer': 'trusted-peer' };

const BAGGAGE_ROWS: Row[] = [
  {
    name: 'baggage zrm=1 from a trusted peer',
    policy: 'trusted peer',
    request: { headers: { ...trustedPeer, baggage: 'zrm=1' } },
    expect: ZRM,
  },
  {
    name: 'baggage zrm=1 among other members, from a trusted peer',
    policy: 'trusted peer',
    request: { headers: { ...trustedPeer, baggage: 'tenant=t1,zrm=1;ttl=30,region=eu' } },
    expect: ZRM,
  },
  {
    name: 'baggage zrm=1 from a trusted peer, enable_logging=true (still ZRM)',
    policy: 'trusted peer',
    request: { ...flag('true'), headers: { ...trustedPeer, baggage: 'zrm=1' } },
    expect: ZRM,
  },
  {
    name: 'baggage zrm=1 from a trusted peer, stateful param in the query',
    policy: 'trusted peer',
    request: { query: statefulQuery, headers: { ...trustedPeer, baggage: 'zrm=1' } },
    expect: UNAVAILABLE,
  },
  {
    name: 'baggage zrm=1 from an untrusted peer (ignored)',
    policy: 'trusted peer',
    request: { headers: { 'x-peer': 'somebody-else', baggage: 'zrm=1' } },
    expect: ORDINARY,
  },
  {
    name: 'baggage zrm=1, trustPropagated throws (not trusted)',
    policy: 'trustPropagated: throws',
    request: { headers: { ...trustedPeer, baggage: 'zrm=1' } },
    expect: ORDINARY,
  },
  {
    name: "baggage zrm=1, trustPropagated answers 'yes' (only true trusts)",
    policy: "trustPropagated: 'yes'",
    request: { headers: { ...trustedPeer, baggage: 'zrm=1' } },
    expect: ORDINARY,
  },
  {
    name: 'baggage zrm=1 with no trustPropagated in the policy (ignored)',
    policy: 'stateful params',
    request: { headers: { ...trustedPeer, baggage: 'zrm=1' } },
    expect: ORDINARY,
  },
  {
    name: 'malformed baggage from a trusted peer: zrm without a value (ignored)',
    policy: 'trusted peer',
    request: { headers: { ...trustedPeer, baggage: 'zrm' } },
    expect: ORDINARY,
  },
  {
    name: 'malformed baggage from a trusted peer: zrm=yes (ignored)',
    policy: 'trusted peer',
    request: { headers: { ...trustedPeer, baggage: 'zrm=yes' } },
    expect: ORDINARY,
  },
  {
    name: 'malformed baggage from a trusted peer: garbage (ignored)',
    policy: 'trusted peer',
    request: { headers: { ...trustedPeer, baggage: ',;=,zrm==1,=1;zrm' } },
    expect: ORDINARY,
  },
  {
    name: 'malformed baggage from a trusted peer, enable_logging=false (the flag still counts)',
    policy: 'trusted peer',
    request: { ...flag('false'), headers: { ...trustedPeer, baggage: ';;zrm' } },
    expect: ZRM,
  },
];

const STATEFUL_ROWS: Row[] = [
  {
    name: 'stateful param in the query, enable_logging=false',
    policy: 'stateful params',
    request: { ...flag('false'), query: statefulQuery },
    expect: UNAVAILABLE,
  },
  {
    name: 'stateful param URL-encoded in the query, enable_logging=false',
    policy: 'stateful params',
    request: { ...flag('false'), query: 'previous%5Frequest%5Fids=req_8f3a' },
    expect: UNAVAILABLE,
  },
  {
    name: 'stateful param in the query, no enable_logging',
    policy: 'stateful params',
    request: { query: statefulQuery },
    expect: ORDINARY,
  },
  {
    name: 'stateful param in the JSON body, enable_logging=false',
    policy: 'stateful params',
    request: { ...flag('false'), body: stateful },
    expect: UNAVAILABLE,
  },
  {
    name: 'stateful param in the JSON body, no enable_logging',
    policy: 'stateful params',
    request: { body: stateful },
    expect: ORDINARY,
  },
  {
    name: 'stateful param in the JSON body, enable_logging=true',
    policy: 'stateful params',
    request: { ...flag('true'), body: stateful },
    expect: ORDINARY,
  },
  {
    name: 'a parameter named like a stateful one when the policy lists none, enable_logging=false',
    policy: 'no options',
    request: { ...flag('false'), query: statefulQuery, body: stateful },
    expect: ZRM,
  },
];

export const ROWS: readonly Row[] = [
  ...FLAG_ROWS,
  ...FORCE_ROWS,
  ...ENTITLEMENT_ROWS,
  ...BAGGAGE_ROWS,
  ...STATEFUL_ROWS,
];

/** What a transport must carry for a row to apply to it. */
export type Capability =
  /** a parsed body the decision can read (HTTP JSON bodies, ws messages) */
  | 'json-body'
  /** request headers at decision time (W3C baggage) */
  | 'baggage'
  /** a flag only a query string can spell: repeated, `+` for a space, percent-encoded letters or digits, malformed escapes, a bare or encoded name */
  | 'query-flag';

/** Percent-encoded letters and digits: a spelling, not a value (`%66alse` is `false`). */
const ENCODED_ALPHANUMERIC = /%(3[0-9]|[46][1-9a-f]|[57][0-9a])/i;

/** A value whose point is its query spelling; other values mean the same as decoded text (`false%20` is `'false '`). */
function onlyInQuery(value: string): boolean {
  if (value.includes('+') || ENCODED_ALPHANUMERIC.test(value)) return true;
  try {
    decodeURIComponent(value);
    return false;
  } catch {
    return true;
  }
}

/** The capabilities a row needs, read from its request. */
export function needsOf(row: Row): Capability[] {
  const { enableLogging = [], query = '', headers = {}, body } = row.request;
  const needs: Capability[] = [];
  if (body !== undefined) needs.push('json-body');
  if (headers.baggage !== undefined) needs.push('baggage');
  if (enableLogging.length > 1 || enableLogging.some(onlyInQuery) || query.includes('enable'))
    needs.push('query-flag');
  return needs;
}

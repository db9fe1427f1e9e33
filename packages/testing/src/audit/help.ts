/** The text of `zrm-audit --help`. */
export const HELP = `zrm-audit — prove that a running service keeps no Zero Retention Mode content

Usage: zrm-audit --url <base-url> [options]

Sends every probe of a matrix to the service twice, once ordinarily and once
with enable_logging=false, each time with fresh canaries (unique text and audio
byte patterns), then the rows of the design's flag table. Starts an OTLP/HTTP
receiver for the service to export to, waits, then scans every sink it was
given. A ZRM (or rejected) canary found in any sink is a leak; an ordinary
canary missing where it is expected, or a flag answer that differs from the
design table, is a mismatch. Exit code: 0 pass, 1 leak or mismatch, 2 bad
options or the audit could not run.

Target
  -u, --url <url>              Base URL of the service (required unless in --config).
  -c, --config <file.json>     Probe config; overrides the built-in voice-API matrix
                               (keys: probes, flagProbe, flagRows, params, logFiles,
                               tempDirs, otlp, historyApi, postgres, expectOrdinary,
                               settleMs, timeoutMs, apiKeyHeader). See the README.
  --api-key <key>              API key sent on every request (or env ZRM_AUDIT_API_KEY).
  --api-key-header <name>      Header that carries it (default: xi-api-key).
  --unentitled-api-key <key>   A key not entitled to ZRM: adds the 403 row.
  --forced-api-key <key>       A key forced into ZRM by policy: adds the forced row.
  --param <name=value>         Fills {name} in probe paths (default voice_id=21m00Tcm4TlvDq8ikWAM).
                               Repeatable.

Sinks to scan
  --log-file <path>            A log file the service writes (only bytes written
                               during the audit are read). Repeatable.
  --temp-dir <path>            A temp/upload dir (files changed during the audit).
                               Repeatable.
  --otlp-port <port|off>       Port of the OTLP/HTTP receiver the service exports
                               to (default 4318; 0 picks a free one; off skips OTLP).
  --otlp-host <host>           Interface it listens on (default 127.0.0.1).
  --skip-history-api           Do not read GET /v1/history (and each item) through the API.
  --postgres-url <url>         Also dump the history tables of this Postgres database.
  --history-table <name>       Table(s) to dump (default: every user table). Repeatable.

Timing and output
  --settle-ms <ms>             Wait after the last probe for batching exporters (default 3000).
  --timeout-ms <ms>            Per-request timeout (default 10000).
  --json                       Print the report as JSON on stdout.
  -q, --quiet                  No progress lines on stderr.
  -h, --help                   This text.

Examples
  zrm-audit --url http://127.0.0.1:3000 --api-key $KEY \\
    --log-file /var/log/voice-api.log --temp-dir /tmp/voice-uploads --otlp-port 4318
  zrm-audit -c probes.json --postgres-url postgres://user:pass@127.0.0.1/app --json > report.json
`;

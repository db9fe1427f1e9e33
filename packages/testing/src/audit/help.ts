/** The text of `zrm-audit --help`. */
export const HELP = `zrm-audit — prove that a running service keeps no Zero Retention Mode content

Usage: zrm-audit --url <base-url> [options]

Sends the rows of the design's flag table, then every probe of a matrix twice,
once with enable_logging=false (ZRM) and once ordinarily, each time with fresh
canaries (unique text and audio byte patterns). Starts an OTLP/HTTP receiver
for the service to export to, waits until every sink shows the ordinary
canaries it is expected to hold (its evidence), then scans every sink.

Verdict and exit code
  0 PASS          no leak, every answer as designed, every sink showed its evidence
  1 FAIL          a ZRM or refused canary in a sink (a leak), or an answer that differs
                  from the design (flag table, Zero-Retention / Cache-Control headers)
  3 INCONCLUSIVE  no leak, but a sink asked for received no bytes or lacks the ordinary
                  canaries expected of it: a sink without evidence proves nothing
  2               the audit could not run (bad options, service not answering); with
                  --json, stdout holds {"error":{"code","message"}}

Target
  -u, --url <url>              Base URL of the service (required unless in --config).
  -c, --config <file.json>     Probe config (keys: probes, flagProbe, flagRows, params,
                               logFiles, stdoutFiles, tempDirs, otlp, sentry, historyApi,
                               postgres, expectOrdinary, waitMs, settleMs, timeoutMs,
                               apiKeyHeader, apiKeyScheme). There is no built-in matrix:
                               "probes" must list at least one endpoint. See the README.
  --api-key <key>              API key sent on every request (or env ZRM_AUDIT_API_KEY);
                               none unless given.
  --api-key-header <name>      Header that carries it (default: authorization).
  --api-key-scheme <word>      Written before the key: "<word> <key>" (default: Bearer;
                               "" sends the bare key, as in x-api-key).
  --unentitled-api-key <key>   A key not entitled to ZRM: adds the 403 row.
  --forced-api-key <key>       A key forced into ZRM by policy: adds the forced row.
  --param <name=value>         Fills {name} in probe paths (default: none).
                               Repeatable.

Sinks to scan (each one asked for must show evidence)
  --log-file <path>            A log file the service writes (only bytes written
                               during the audit are read). Repeatable.
  --stdout-file <path>         A file the service's stdout/stderr go to (a container's
                               log pipe); sink stdout:<path>. Repeatable.
  --temp-dir <path>            A temp/upload dir (files changed during the audit; may
                               stay empty unless expectOrdinary.temp says otherwise).
                               Repeatable.
  --otlp-port <port|off>       Port of the OTLP/HTTP receiver the service exports
                               to (default 4318; 0 picks a free one; off skips OTLP).
  --otlp-host <host>           Interface it listens on (default 127.0.0.1).
  --otlp-signals <list>        The signals the service exports, each of which must
                               arrive: traces, logs, metrics (default traces). Data of
                               other signals is scanned for leaks too.
  --sentry-port <port|off>     Start a loopback Sentry ingest on this port (0: a free
                               one); point the service's DSN at
                               http://public@127.0.0.1:<port>/1. Its envelopes are sink
                               sentry (default off).
  --skip-history-api           Do not read the service's history API (config key
                               historyApi; off unless the config sets it).
  --postgres-url <url>         Also dump the history tables of this Postgres database.
  --history-table <name>       Table(s) to dump (default: every user table). Repeatable.

Timing and output
  --wait-ms <ms>               Longest wait after the last probe for every sink's evidence
                               (default 15000: the OpenTelemetry SDK's batch processors
                               export spans every 5 s and logs every 1 s).
  --settle-ms <ms>             Wait once the evidence is in, for late writes (default 1000).
  --timeout-ms <ms>            Per-request timeout (default 10000).
  --report <file>              Also write the report to a file: .html (self-contained
                               page) or .md (Markdown), by extension. Repeatable.
  --json                       Print the report, or the error, as one JSON document on stdout.
  -q, --quiet                  No progress lines on stderr.
  -h, --help                   This text.

Examples
  zrm-audit --url http://127.0.0.1:3000 -c probes.json --api-key $KEY \\
    --log-file /var/log/app.log --temp-dir /tmp/uploads \\
    --otlp-port 4318 --otlp-signals traces,logs --report audit.html
  zrm-audit -c probes.json --postgres-url postgres://user:pass@127.0.0.1/app --json > report.json
`;

#!/usr/bin/env node
/**
 * Runs a sandbox until interrupted, for demos and for clients tested from another process.
 * Prints one line of JSON (`apiUrl`, `downloadOrigin`, `token`) on stdout, then logs each
 * request's method, path and status to stderr. Paths are logged without query strings, which
 * hold the presigned URLs' credentials.
 */
import { parseArgs } from 'node:util';
import { parseDuration, parseInteger, parseSize } from './cli-args.js';
import { startSandbox } from './index.js';
import { parseScenarioPatch } from './scenario.js';
import type { RecordedRequest, Sandbox, Scenario } from './types.js';

const USAGE = `Usage: node packages/sandbox/dist/cli.js [options]

Starts a local stand-in for Asana's export API and its download host, prints one line of JSON
{"apiUrl", "downloadOrigin", "token"} and serves until SIGINT or SIGTERM.

Options:
  --host H              interface to listen on (default 127.0.0.1)
  --api-port N          API port (default: a free port)
  --download-port N     download host port (default: a free port)
  --token T             accepted bearer token (default sandbox-token)
  --duration D          time until an export is done: 1500ms, 5s, 2m (default 1500ms)
  --size S              uncompressed export size: 123456, 256KB, 10MB, 1GB (default 256KB)
  --seed N              content seed (default 1)
  --outcome O           succeed | fail (default succeed)
  --link-ttl N          seconds a download URL stays valid (default 300)
  --corruption C        none | truncated | bad-crc | not-json | long-line | long-broken-line
                        (default none)
  --long-line S         length of the long-line corruptions' long field (default 64MB)
  --layout L            single | members: one gzip member, or one per 256 KiB (default single)
  --ignore-range        answer 200 with the whole file even when Range is sent
  --ignore-if-range     serve ranges whatever If-Range says, as S3 does (default: honour it)
  --regional-port N     port of the regional download origin redirects go to (default: a free port)
  --cache-dir D         where generated files are cached (default: <tmpdir>/asana-exports-sandbox)
  --quiet               do not log requests
  -h, --help            show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      'api-port': { type: 'string' },
      'download-port': { type: 'string' },
      token: { type: 'string' },
      duration: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      outcome: { type: 'string' },
      'link-ttl': { type: 'string' },
      corruption: { type: 'string' },
      'long-line': { type: 'string' },
      layout: { type: 'string' },
      'ignore-range': { type: 'boolean' },
      'ignore-if-range': { type: 'boolean' },
      'regional-port': { type: 'string' },
      'cache-dir': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }

  const scenario: Partial<Scenario> = parseScenarioPatch({
    ...(values.duration === undefined ? {} : { durationMs: parseDuration(values.duration) }),
    ...(values.size === undefined ? {} : { contentBytes: parseSize(values.size) }),
    ...(values.seed === undefined ? {} : { seed: parseInteger(values.seed, 'seed') }),
    ...(values.outcome === undefined ? {} : { outcome: values.outcome }),
    ...(values['link-ttl'] === undefined
      ? {}
      : { linkTtlSeconds: parseInteger(values['link-ttl'], 'link-ttl') }),
    ...(values.corruption === undefined ? {} : { corruption: values.corruption }),
    ...(values['long-line'] === undefined
      ? {}
      : { longLineBytes: parseSize(values['long-line'], 'long-line') }),
    ...(values.layout === undefined ? {} : { layout: values.layout }),
    ...(values['ignore-range'] === true ? { ignoreRange: true } : {}),
    ...(values['ignore-if-range'] === true ? { ifRange: 'ignore' } : {}),
  });

  const sandbox = await startSandbox({
    scenario,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['api-port'] === undefined
      ? {}
      : { apiPort: parseInteger(values['api-port'], 'api-port') }),
    ...(values['download-port'] === undefined
      ? {}
      : { downloadPort: parseInteger(values['download-port'], 'download-port') }),
    ...(values['regional-port'] === undefined
      ? {}
      : { regionalDownloadPort: parseInteger(values['regional-port'], 'regional-port') }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...(values['cache-dir'] === undefined ? {} : { cacheDir: values['cache-dir'] }),
    ...(values.quiet === true ? {} : { onRequest: logRequest }),
  });
  const { apiUrl, downloadOrigin, token } = sandbox;
  process.stdout.write(`${JSON.stringify({ apiUrl, downloadOrigin, token })}\n`);
  stopOnSignals(sandbox);
}

function logRequest(request: RecordedRequest): void {
  const status = request.status === 0 ? 'reset' : String(request.status);
  process.stderr.write(`[sandbox] ${request.origin} ${request.method} ${request.path} ${status}\n`);
}

function stopOnSignals(sandbox: Sandbox): void {
  const stop = (signal: NodeJS.Signals): void => {
    process.stderr.write(`[sandbox] ${signal}: shutting down\n`);
    // A stuck close must not keep the process alive; unref'd so it never delays a clean exit.
    setTimeout(() => process.exit(1), 5000).unref();
    sandbox.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`[sandbox] close failed: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write('Run with --help for usage.\n');
  process.exitCode = 2;
});

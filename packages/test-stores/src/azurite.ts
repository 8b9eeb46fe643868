/**
 * Azurite, Microsoft's Azure Storage emulator, serving only Blob on a free loopback port, one
 * server per test file. Data lives in memory; its debug log goes to a temporary folder that is
 * read only to explain a failed start, and removed on stop.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  answersHttp,
  freePort,
  type LoggedProcess,
  spawnLogged,
  stopProcess,
  waitUntilServing,
} from './processes.js';
import type { TestCertificate } from './tls.js';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
/** Azurite's documented, public development key: not a secret, the same on every machine. */
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzureBlobServer {
  /** Path-style endpoint, e.g. http://127.0.0.1:PORT/devstoreaccount1 */
  readonly blobEndpoint: string;
  readonly account: typeof AZURITE_ACCOUNT;
  readonly accountKey: string;
  /** How long the start took, from spawning to the first HTTP answer. */
  readonly startMs: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /**
   * Azurite's loose mode ignores headers and parameters it does not implement instead of
   * refusing them. Off by default: a refusal tells a test the emulator cannot check that feature.
   */
  readonly loose?: boolean;
  readonly startTimeoutMs?: number;
  /**
   * HTTPS with this certificate and OAuth checks (`--oauth basic`: a bearer token's audience,
   * issuer and lifetime, not its signature), which Azurite offers over HTTPS only. The test
   * process must trust the certificate (`trustInThisProcess`) for the readiness check.
   */
  readonly https?: { readonly certificate: TestCertificate; readonly oauth: boolean };
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzureBlobServer> {
  const started = performance.now();
  const home = await mkdtemp(join(tmpdir(), 'azurite-'));
  const debugLog = join(home, 'debug.log');
  const port = await freePort();
  const server = withDebugLog(
    spawnLogged(
      'Azurite',
      [
        // The project's Node (24), whichever `node` is first on PATH.
        process.execPath,
        azuriteBlobBin(),
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--inMemoryPersistence',
        '--silent',
        '--debug',
        debugLog,
        // Requests from SDKs newer than this Azurite would otherwise be refused.
        '--skipApiVersionCheck',
        // Tests talk to loopback only.
        '--disableTelemetry',
        // The account is always the first path segment, whatever the Host header says.
        '--disableProductStyleUrl',
        ...(options.loose ? ['--loose'] : []),
        ...(options.https === undefined
          ? []
          : [
              '--cert',
              options.https.certificate.certPath,
              '--key',
              options.https.certificate.keyPath,
              ...(options.https.oauth ? ['--oauth', 'basic'] : []),
            ]),
      ],
      // Azurite writes its metadata files to the working folder even when data is in memory.
      { cwd: home },
    ),
    debugLog,
  );
  const scheme = options.https === undefined ? 'http' : 'https';
  const blobEndpoint = `${scheme}://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const stop = async () => {
    await stopProcess(server.child, 'SIGTERM');
    await rm(home, { recursive: true, force: true });
  };
  try {
    // Any HTTP answer (an unsigned request gets 403) means the service is listening.
    await waitUntilServing(
      server,
      () => answersHttp(`${blobEndpoint}?comp=list`),
      options.startTimeoutMs ?? 30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    blobEndpoint,
    account: AZURITE_ACCOUNT,
    accountKey: AZURITE_ACCOUNT_KEY,
    startMs: Math.round(performance.now() - started),
    stop,
  };
}

/** The `azurite-blob` program named by the installed package's `bin`, wherever pnpm put it. */
function azuriteBlobBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('azurite/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: Record<string, string>;
  };
  const bin = manifest.bin?.['azurite-blob'];
  if (bin === undefined) throw new Error(`${manifestPath} names no azurite-blob program`);
  return join(dirname(manifestPath), bin);
}

/** The console says little with --silent: a failure message also gets the debug log's end. */
function withDebugLog(process: LoggedProcess, debugLog: string): LoggedProcess {
  return {
    name: process.name,
    child: process.child,
    log: () => {
      let debug = '';
      try {
        debug = readFileSync(debugLog, 'utf8').slice(-8_000);
      } catch {
        debug = '(no debug log)';
      }
      return `${process.log()}\n--- debug log (end) ---\n${debug}`;
    },
  };
}

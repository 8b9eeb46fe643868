/**
 * TLS for the stores' tests: a self-signed certificate for 127.0.0.1 made at test time with
 * openssl (never a key kept in the repository), and a TLS front for a plain-HTTP store, so a
 * client's private-CA handling is tested against the real store behind it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createServer,
  getCACertificates,
  setDefaultCACertificates,
  type TLSSocket,
} from 'node:tls';
import { runCommand } from './run-command.js';

export interface TestCertificate {
  /** PEM files: the certificate is its own CA, so `certPath` is what a client trusts. */
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
  remove(): Promise<void>;
}

/** An EC P-256 certificate for 127.0.0.1 and localhost, valid for two days. */
export async function makeTestCertificate(): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'test-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const made = await runCommand(
    [
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    20_000,
  );
  if (made.code !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make a test certificate:\n${made.output}`);
  }
  return {
    certPath,
    keyPath,
    cert: await readFile(certPath, 'utf8'),
    key: await readFile(keyPath, 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsFront {
  /** `https://127.0.0.1:PORT`, serving what `target` serves. */
  readonly endpoint: string;
  /** TLS handshakes completed: proof that clients came through the front. */
  readonly handshakes: () => number;
  /** Handshakes the front saw fail (a client that does not trust the certificate). */
  readonly refusedHandshakes: () => number;
  close(): Promise<void>;
}

/** Terminates TLS on a free loopback port and pipes the bytes to `target` (`http://host:port`). */
export async function startTlsFront(
  target: string,
  certificate: TestCertificate,
): Promise<TlsFront> {
  const { hostname, port } = new URL(target);
  let handshakes = 0;
  let refused = 0;
  const sockets = new Set<Socket>();
  const server = createServer(
    { cert: certificate.cert, key: certificate.key },
    (tls: TLSSocket) => {
      handshakes += 1;
      const plain = connect(Number(port), hostname);
      sockets.add(tls).add(plain);
      const done = () => {
        tls.destroy();
        plain.destroy();
        sockets.delete(tls);
        sockets.delete(plain);
      };
      tls.pipe(plain).pipe(tls);
      tls.on('error', done).on('close', done);
      plain.on('error', done).on('close', done);
    },
  );
  server.on('tlsClientError', () => {
    refused += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TLS front has no port');
  return {
    endpoint: `https://127.0.0.1:${address.port}`,
    handshakes: () => handshakes,
    refusedHandshakes: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Makes this process trust `certificate` as a root besides the default ones, for the SDK clients
 * a test reads back with (they take no CA of their own). Only ever a certificate made by
 * `makeTestCertificate`, whose key lives in a temporary folder for the test's duration.
 */
export function trustInThisProcess(certificate: TestCertificate): void {
  const current = getCACertificates('default');
  if (!current.includes(certificate.cert)) setDefaultCACertificates([...current, certificate.cert]);
}

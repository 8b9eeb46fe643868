/**
 * Presigned URLs in the shape of S3's query-string authentication (SigV4). The signature is an
 * HMAC with a per-sandbox secret over what the download host must trust: the object path, the
 * signing time and the lifetime. Any edit to those, or a URL from another sandbox, fails.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const REGION = 'us-east-1';

export type PresignVerdict =
  | { ok: true }
  | { ok: false; reason: 'unsigned' | 'malformed' | 'bad-signature' }
  | { ok: false; reason: 'expired'; expiresAt: Date; ttlSeconds: string };

export class Presigner {
  readonly #secret = randomBytes(32);
  readonly #accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;

  /** The query string (without `?`) that authorizes GETs of `path` for `ttlSeconds` from `now`. */
  sign(path: string, ttlSeconds: number, now: number): string {
    const amzDate = formatAmzDate(new Date(now));
    const expires = String(ttlSeconds);
    const query = new URLSearchParams({
      'X-Amz-Algorithm': ALGORITHM,
      'X-Amz-Credential': `${this.#accessKeyId}/${amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': expires,
      'X-Amz-SignedHeaders': 'host',
    });
    query.set('X-Amz-Signature', this.#signature(path, amzDate, expires));
    return query.toString();
  }

  verify(path: string, query: URLSearchParams, now: number): PresignVerdict {
    const signature = query.get('X-Amz-Signature');
    const amzDate = query.get('X-Amz-Date');
    const expires = query.get('X-Amz-Expires');
    if (signature === null && amzDate === null && expires === null) {
      return { ok: false, reason: 'unsigned' };
    }
    const signedAt = amzDate === null ? undefined : parseAmzDate(amzDate);
    if (
      query.get('X-Amz-Algorithm') !== ALGORITHM ||
      query.get('X-Amz-Credential') === null ||
      signature === null ||
      expires === null ||
      !/^\d{1,6}$/.test(expires) ||
      signedAt === undefined ||
      amzDate === null
    ) {
      return { ok: false, reason: 'malformed' };
    }
    const expected = Buffer.from(this.#signature(path, amzDate, expires), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'bad-signature' };
    }
    // X-Amz-Date has whole seconds, so a link lives through the whole second it expires in:
    // never less than its TTL after the response that carried it.
    const expiresAt = new Date(signedAt + (Number(expires) + 1) * 1000);
    if (now >= expiresAt.getTime()) {
      return { ok: false, reason: 'expired', expiresAt, ttlSeconds: expires };
    }
    return { ok: true };
  }

  #signature(path: string, amzDate: string, expires: string): string {
    return createHmac('sha256', this.#secret)
      .update(`${path}\n${amzDate}\n${expires}`)
      .digest('hex');
  }
}

/** `20240131T235959Z`, the basic ISO 8601 form SigV4 uses. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return Number.isNaN(time) ? undefined : time;
}

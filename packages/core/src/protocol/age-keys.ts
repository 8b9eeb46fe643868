/**
 * Reading the keys a user gives: recipients (`age1...`, public, whom to encrypt to) and
 * identities (`AGE-SECRET-KEY-1...`, secret, to decrypt with), in the forms age's own tools
 * read and write. Messages name the input and the line, never the value itself when it might
 * be a secret: a secret key pasted into the wrong input must not end up in a log.
 */
import { decodeBech32 } from './age-bech32.js';
import {
  AgeIdentity,
  type AgeRecipient,
  IDENTITY_HRP,
  isUsableRecipientKey,
  RECIPIENT_HRP,
} from './age-x25519.js';
import { InputError } from './errors.js';
import { quoteUserValue } from './params.js';

const ONLY_X25519 = 'only X25519 age recipients (age1...) are supported';
const RECIPIENT_HINT =
  'Give X25519 age public keys (age1..., as `age-keygen` prints them), one per line or separated by commas. Make a key with `age-keygen -o key.txt`; `age-keygen -y key.txt` prints its public key.';
const IDENTITY_HINT =
  'Give the identity file `age-keygen -o key.txt` wrote: lines of AGE-SECRET-KEY-1..., with # comments.';

/**
 * Recipients from text: one per line or separated by commas, blank lines and `#` comments (to
 * the end of the line) ignored, as in a file for `age -R`. Repeated keys count once.
 */
export function parseAgeRecipients(input: string, text: string): AgeRecipient[] {
  const recipients: AgeRecipient[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const where = lines.length > 1 ? ` (line ${index + 1})` : '';
    const hash = rawLine.indexOf('#');
    const line = hash < 0 ? rawLine : rawLine.slice(0, hash);
    for (const entry of line.split(',')) {
      const value = entry.trim();
      if (value === '') continue;
      const publicKey = readRecipient(input, value, where);
      if (seen.has(publicKey)) continue;
      seen.add(publicKey);
      recipients.push({ publicKey });
    }
  });
  if (recipients.length === 0) {
    throw new InputError(input, 'names no recipient', RECIPIENT_HINT);
  }
  return recipients;
}

/**
 * Identities from the text of an identity file, as age reads one: a secret key per line, blank
 * lines and lines starting with `#` skipped. Errors say which line, never what it holds.
 */
export function parseAgeIdentities(input: string, text: string): AgeIdentity[] {
  const identities: AgeIdentity[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 1}`;
    const unsupported = unsupportedIdentity(line);
    if (unsupported !== undefined) {
      throw new InputError(input, `${where} is ${unsupported}; ${ONLY_X25519}`, IDENTITY_HINT);
    }
    if (/^age1/i.test(line)) {
      throw new InputError(
        input,
        `${where} is a public key (age1...), not an identity`,
        'Pass the identity file that holds the secret key (AGE-SECRET-KEY-1...), which `age-keygen -o key.txt` wrote; the public key only encrypts.',
      );
    }
    const decoded = decodeBech32(line);
    if (!decoded.ok || decoded.hrp !== IDENTITY_HRP) {
      throw new InputError(
        input,
        `${where} is not an age identity (AGE-SECRET-KEY-1...)${decoded.ok ? '' : `: it ${decoded.problem}`}`,
        IDENTITY_HINT,
      );
    }
    if (decoded.bytes.length !== 32) {
      throw new InputError(
        input,
        `${where} is an age identity of ${decoded.bytes.length} bytes, not 32`,
        IDENTITY_HINT,
      );
    }
    identities.push(new AgeIdentity(decoded.bytes));
  });
  if (identities.length === 0) {
    throw new InputError(input, 'holds no identity (AGE-SECRET-KEY-1...)', IDENTITY_HINT);
  }
  return identities;
}

function readRecipient(input: string, value: string, where: string): string {
  if (/^age-secret-key-/i.test(value)) {
    // Not quoted, not even in part: it is a secret.
    throw new InputError(
      input,
      `a value${where} is a secret key (AGE-SECRET-KEY-...), not a recipient`,
      'Never pass a secret key here: it belongs with whoever decrypts. Pass its public key, which `age-keygen -y key.txt` prints (age1...).',
    );
  }
  const unsupported = unsupportedRecipient(value);
  if (unsupported !== undefined) {
    throw new InputError(
      input,
      `a value${where} is ${unsupported}; ${ONLY_X25519}`,
      RECIPIENT_HINT,
    );
  }
  const decoded = decodeBech32(value);
  if (!decoded.ok) {
    throw new InputError(
      input,
      `${quoteUserValue(value)}${where} is not an age recipient: it ${decoded.problem}`,
      RECIPIENT_HINT,
    );
  }
  if (decoded.hrp !== RECIPIENT_HRP) {
    throw new InputError(
      input,
      `${quoteUserValue(value)}${where} is not an age recipient (age1...)`,
      RECIPIENT_HINT,
    );
  }
  if (decoded.bytes.length !== 32 || !isUsableRecipientKey(decoded.bytes)) {
    throw new InputError(
      input,
      `${quoteUserValue(value)}${where} is not a usable X25519 public key`,
      RECIPIENT_HINT,
    );
  }
  return value.toLowerCase();
}

/** What kind of key `value` is, when it is a recipient type other than X25519. */
function unsupportedRecipient(value: string): string | undefined {
  if (/^(ssh-(ed25519|rsa)|ecdsa-sha2-|sk-ssh-|sk-ecdsa-)/.test(value)) return 'an SSH public key';
  const lower = value.toLowerCase();
  if (lower.startsWith('age1pq1')) return 'a post-quantum (age1pq1...) recipient';
  if (lower.startsWith('age1tag1') || lower.startsWith('age1tagpq1')) {
    return 'a hardware-key (age1tag...) recipient';
  }
  // age1<plugin name>1...: the separator is the last 1, so a plugin recipient has a longer prefix.
  const separator = lower.lastIndexOf('1');
  const plugin = lower.slice(4, separator);
  if (lower.startsWith('age1') && separator > 3 && /^[a-z0-9._+-]{1,32}$/.test(plugin)) {
    return `a plugin recipient (age-plugin-${plugin})`;
  }
  return undefined;
}

function unsupportedIdentity(line: string): string | undefined {
  if (/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(line)) return 'an SSH or PEM private key';
  const upper = line.toUpperCase();
  if (upper.startsWith('AGE-SECRET-KEY-PQ-1')) return 'a post-quantum identity';
  if (upper.startsWith('AGE-PLUGIN-')) return 'a plugin identity';
  return undefined;
}

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAgeDecryptor, createAgeEncryptor } from '../src/protocol/age.js';
import { parseAgeIdentities, parseAgeRecipients } from '../src/protocol/age-keys.js';
import { AgeDecryptError } from '../src/protocol/errors.js';
import { ageKeygen, describeWithAge, runAgeTool } from './support/age-tool.js';
import { tempDir } from './support/sandbox.js';

// Our age against two independent implementations, both ways: Debian's `age` (the reference, in
// Go) and the age-encryption npm package (TypeScript, by the same author, on noble's primitives).
const CHUNK = 64 * 1024;
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17, 1_000_003];

function ours(recipients: string[], plain: Uint8Array): Buffer {
  const encryptor = createAgeEncryptor(parseAgeRecipients('recipients', recipients.join('\n')));
  const out: Uint8Array[] = [];
  for (let at = 0; at < plain.length; at += 50_000)
    out.push(...encryptor.update(plain.subarray(at, at + 50_000)));
  out.push(...encryptor.final());
  return Buffer.concat(out);
}

function oursDecrypt(identityText: string, cipher: Uint8Array): Buffer {
  const decryptor = createAgeDecryptor(parseAgeIdentities('identity', identityText));
  const out: Uint8Array[] = [];
  for (let at = 0; at < cipher.length; at += 30_000)
    out.push(...decryptor.update(cipher.subarray(at, at + 30_000)));
  out.push(...decryptor.final());
  return Buffer.concat(out);
}

describeWithAge('interoperability with the age tool', () => {
  let dir: string;
  let alice: ReturnType<typeof ageKeygen>;
  let bob: ReturnType<typeof ageKeygen>;
  beforeAll(async () => {
    dir = await tempDir();
    alice = ageKeygen(dir, 'alice.txt');
    bob = ageKeygen(dir, 'bob.txt');
  });

  it('reads the identity file age-keygen wrote, to the public key age-keygen -y prints', () => {
    expect(alice.text).toMatch(/^# created: .*\n# public key: age1\w+\nAGE-SECRET-KEY-1\w+\n$/);
    const [identity] = parseAgeIdentities('--identity', alice.text);
    expect(identity?.recipient.publicKey).toBe(alice.publicKey);
  });

  it.each(SIZES)('age -d decrypts what we encrypted: %i bytes', (size) => {
    const plain = randomBytes(size);
    const cipher = ours([alice.publicKey], plain);
    const file = join(dir, `ours-${size}.age`);
    writeFileSync(file, cipher);
    const result = runAgeTool('age', ['-d', '-i', alice.path, file]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toEqual(plain);
  });

  it.each(SIZES)('we decrypt what age -r encrypted: %i bytes', (size) => {
    const plain = randomBytes(size);
    const result = runAgeTool('age', ['-r', alice.publicKey], plain);
    expect(result.status, result.stderr).toBe(0);
    expect(oursDecrypt(alice.text, result.stdout)).toEqual(plain);
  });

  it('works with several recipients both ways, and a recipients file (age -R)', () => {
    const plain = randomBytes(2 * CHUNK + 3);
    const cipher = ours([alice.publicKey, bob.publicKey], plain);
    const file = join(dir, 'two.age');
    writeFileSync(file, cipher);
    for (const key of [alice, bob]) {
      expect(runAgeTool('age', ['-d', '-i', key.path, file]).stdout).toEqual(plain);
    }
    const recipientsFile = join(dir, 'recipients.txt');
    writeFileSync(recipientsFile, `# backups\n${alice.publicKey}\n${bob.publicKey}\n`);
    const theirs = runAgeTool('age', ['-R', recipientsFile], plain);
    expect(theirs.status, theirs.stderr).toBe(0);
    expect(oursDecrypt(bob.text, theirs.stdout)).toEqual(plain);
    expect(
      parseAgeRecipients('--encrypt-to-file', `# backups\n${alice.publicKey}\n${bob.publicKey}\n`),
    ).toEqual([{ publicKey: alice.publicKey }, { publicKey: bob.publicKey }]);
  });

  it('refuses the wrong key, as age does', () => {
    const plain = randomBytes(100);
    const theirs = runAgeTool('age', ['-r', alice.publicKey], plain);
    expect(() => oursDecrypt(bob.text, theirs.stdout)).toThrow(AgeDecryptError);
    const file = join(dir, 'for-alice.age');
    writeFileSync(file, ours([alice.publicKey], plain));
    const refused = runAgeTool('age', ['-d', '-i', bob.path, file]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/no identity matched any of the recipients/);
  });

  it('agrees with age on a changed byte: both refuse the file', () => {
    const cipher = ours([alice.publicKey], randomBytes(CHUNK + 10));
    cipher[cipher.length - 20] = (cipher[cipher.length - 20] ?? 0) ^ 0x80;
    const file = join(dir, 'changed.age');
    writeFileSync(file, cipher);
    expect(runAgeTool('age', ['-d', '-i', alice.path, file]).status).not.toBe(0);
    expect(() => oursDecrypt(alice.text, cipher)).toThrow(
      /chunk 2 \(the last\) does not authenticate/,
    );
  });
});

describe('interoperability with the age-encryption package', () => {
  it.each(SIZES)(
    'it decrypts what we encrypted, and we what it encrypted: %i bytes',
    async (size) => {
      const identity = await generateX25519Identity();
      const recipient = await identityToRecipient(identity);
      const plain = randomBytes(size);

      const decrypter = new Decrypter();
      decrypter.addIdentity(identity);
      expect(Buffer.from(await decrypter.decrypt(ours([recipient], plain)))).toEqual(plain);

      const encrypter = new Encrypter();
      encrypter.addRecipient(recipient);
      expect(oursDecrypt(identity, await encrypter.encrypt(plain))).toEqual(plain);
    },
  );

  it('derives the same public key from a secret key', async () => {
    for (let i = 0; i < 5; i++) {
      const identity = await generateX25519Identity();
      expect(parseAgeIdentities('identity', identity)[0]?.recipient.publicKey).toBe(
        await identityToRecipient(identity),
      );
    }
  });
});

import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);

// ../core/src/node/diff-worker.ts
import { parentPort, workerData } from "node:worker_threads";

// ../core/src/node/diff-partitions.ts
import { open, rm } from "node:fs/promises";

// ../core/src/protocol/errors.ts
var AsanaExportError = class extends Error {
  /** What the user can do about it, when we know. */
  hint;
  constructor(message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
};
var InputError = class extends AsanaExportError {
  category = "input";
  /** The parameter's name as the user typed it, e.g. `workspace` or `filters.task.created_at.after`. */
  input;
  constructor(input, problem, hint) {
    super(`Invalid ${input}: ${problem}`, { hint });
    this.input = input;
  }
};
var IntegrityError = class extends AsanaExportError {
  category = "integrity";
  /** What is wrong, without the sentence around it: lets a worker thread's finding cross over. */
  problem;
  /**
   * `storedFile` names an export already stored (read by `diff`, say), which is left as it was:
   * then the message names it and the hint says how to restore it, rather than to download again.
   */
  constructor(problem, options) {
    const stored = options?.storedFile;
    super(
      stored === void 0 ? `The downloaded export is not intact: ${problem}` : `The stored export ${stored} is not intact: ${problem}`,
      {
        hint: stored === void 0 ? "No file was kept under the final name. Run the download again; it fetches a fresh copy." : "It was left as it is. Restore it from another copy, or download the export again while Asana keeps it (30 days after it completed).",
        cause: options?.cause
      }
    );
    this.problem = problem;
  }
};
var AGE_DAMAGED_HINT = "The file changed after it was encrypted: copy it again from where it is stored, or download the export again.";
var AGE_DECRYPT_HINTS = {
  "not-age": "Pass the .age file the download wrote, as it was written.",
  unsupported: "Only age v1 files encrypted to X25519 recipients (age1...) can be read here.",
  "no-identity": "Pass the identity file (AGE-SECRET-KEY-1..., as age-keygen wrote it) of one of the recipients the export was encrypted to; its manifest lists their public keys under encryption.recipients.",
  header: AGE_DAMAGED_HINT,
  "header-mac": AGE_DAMAGED_HINT,
  payload: AGE_DAMAGED_HINT,
  truncated: AGE_DAMAGED_HINT
};
var AgeDecryptError = class extends AsanaExportError {
  category;
  reason;
  /** What is wrong, without the sentence around it. */
  problem;
  constructor(reason, problem, hint) {
    super(`Cannot decrypt the export: ${problem}`, { hint: hint ?? AGE_DECRYPT_HINTS[reason] });
    this.reason = reason;
    this.problem = problem;
    this.category = reason === "no-identity" || reason === "unsupported" ? "decrypt" : "integrity";
  }
};
var LOCAL_CAUSES = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file size limit was reached",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EMFILE: "too many files are open"
};
var LocalFileError = class extends AsanaExportError {
  category = "local";
  path;
  code;
  operation;
  constructor(details) {
    const why = (details.code && LOCAL_CAUSES[details.code]) ?? "the system refused";
    super(
      `Cannot ${details.operation} ${details.path}: ${why}${details.code ? ` (${details.code})` : ""}`,
      { hint: details.hint ?? localHint(details.code), cause: details.cause }
    );
    this.path = details.path;
    this.code = details.code;
    this.operation = details.operation;
  }
};
function localHint(code) {
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
    case "EFBIG":
      return "Free some space (or raise the limit), or choose an output folder on another disk, then run again.";
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "Choose an output folder this user can write to, then run again.";
    default:
      return "Check the output folder, then run again.";
  }
}
var CancelledError = class extends AsanaExportError {
  category = "cancelled";
  constructor(what, options) {
    super(`${what} was cancelled`, options);
  }
};

// ../core/src/protocol/text.ts
var UNPRINTABLE = (
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
);
var NAMED = { "\n": "\\n", "\r": "\\r", "	": "\\t" };
var MAX_OUTSIDE_TEXT = 500;
function printable(text, maxLength = MAX_OUTSIDE_TEXT) {
  const safe = text.replace(UNPRINTABLE, escaped);
  if (safe.length <= maxLength) return safe;
  return `${safe.slice(0, maxLength)}\u2026 (${safe.length - maxLength} more characters)`;
}
function escaped(character) {
  return NAMED[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

// ../core/src/node/local-error.ts
function asLocalError(error, operation, path) {
  const code = error?.code;
  if (typeof code !== "string" || !/^E[A-Z0-9]+$/.test(code)) return error;
  return new LocalFileError({ operation, path: printable(path, 300), code, cause: error });
}
async function onDisk(operation, path, run2) {
  try {
    return await run2();
  } catch (error) {
    throw asLocalError(error, operation, path);
  }
}

// ../core/src/node/diff-partitions.ts
var BUFFER_BUDGET = 16 * 1024 * 1024;
var MAX_CHUNK_BYTES = 64 * 1024;
var PARTITION_TARGET_BYTES = 4 * 1024 * 1024;
function chunkBytesFor(partitions) {
  return Math.min(MAX_CHUNK_BYTES, Math.floor(BUFFER_BUDGET / partitions));
}
var MAX_WRITES_IN_FLIGHT = 8;
function partitionOf(key, seed, partitions) {
  let hash2 = (2166136261 ^ Math.imul(seed, 2654435761)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    hash2 ^= key.charCodeAt(i);
    hash2 = Math.imul(hash2, 16777619);
  }
  hash2 ^= hash2 >>> 15;
  hash2 = Math.imul(hash2, 739982445);
  hash2 ^= hash2 >>> 12;
  return (hash2 >>> 0) % partitions;
}
var ChunkList = class _ChunkList {
  #pairs = new Float64Array(16);
  #count = 0;
  #bytes = 0;
  /** As plain data a worker thread can send: the pairs in use, copied. */
  static fromData(data) {
    const list = new _ChunkList();
    list.#pairs = data.pairs.length > 0 ? data.pairs : new Float64Array(16);
    list.#count = data.pairs.length / 2;
    list.#bytes = data.bytes;
    return list;
  }
  data() {
    return { pairs: this.#pairs.slice(0, 2 * this.#count), bytes: this.#bytes };
  }
  get count() {
    return this.#count;
  }
  /** All the chunks' bytes. */
  get bytes() {
    return this.#bytes;
  }
  push(position, length) {
    if (2 * this.#count === this.#pairs.length) {
      const grown = new Float64Array(this.#pairs.length * 2);
      grown.set(this.#pairs);
      this.#pairs = grown;
    }
    this.#pairs[2 * this.#count] = position;
    this.#pairs[2 * this.#count + 1] = length;
    this.#count += 1;
    this.#bytes += length;
  }
  position(chunk) {
    return this.#pairs[2 * chunk];
  }
  length(chunk) {
    return this.#pairs[2 * chunk + 1];
  }
};
var NO_CHUNKS = new ChunkList();
function transferables(...spills) {
  const buffers = /* @__PURE__ */ new Set();
  for (const spill of spills) {
    for (const chunks of spill.chunks) {
      if (chunks.pairs.byteLength > 0) buffers.add(chunks.pairs.buffer);
    }
  }
  return [...buffers];
}
var SpillFile = class _SpillFile {
  path;
  partitions;
  #chunks;
  constructor(path, chunks) {
    this.path = path;
    this.partitions = chunks.length;
    this.#chunks = chunks;
  }
  static fromData(data) {
    return new _SpillFile(data.path, data.chunks.map(ChunkList.fromData));
  }
  /**
   * The index as plain data, for the thread that wrote the spill to send. Its buffers are fresh
   * copies, which the sender transfers rather than copy again (`transferables`): for 4 GB each
   * side the index is tens of MiB.
   */
  data() {
    return { path: this.path, chunks: this.#chunks.map((chunks) => chunks.data()) };
  }
  /** Bytes of one partition. */
  size(index) {
    return (this.#chunks[index] ?? NO_CHUNKS).bytes;
  }
  /**
   * One partition's bytes, its chunks in the order they were written, read all at once: reading
   * them one after another left the comparison idle 30% of the time.
   */
  async read(index, into) {
    const chunks = this.#chunks[index] ?? NO_CHUNKS;
    const bytes = into.take(this.size(index));
    if (bytes.length === 0) return bytes;
    await onDisk("read", this.path, async () => {
      const handle = await open(this.path, "r");
      try {
        let at = 0;
        const reads = [];
        for (let chunk = 0; chunk < chunks.count; chunk++) {
          const length = chunks.length(chunk);
          reads.push(readFully(handle, bytes, at, length, chunks.position(chunk)));
          at += length;
        }
        await Promise.all(reads);
      } finally {
        await handle.close();
      }
    });
    return bytes;
  }
  /** One partition's chunks, one at a time: each holds whole entries. */
  async *chunks(index) {
    const handle = await onDisk("read", this.path, () => open(this.path, "r"));
    try {
      const chunks = this.#chunks[index] ?? NO_CHUNKS;
      for (let chunk = 0; chunk < chunks.count; chunk++) {
        const length = chunks.length(chunk);
        const bytes = Buffer.allocUnsafe(length);
        await onDisk(
          "read",
          this.path,
          () => readFully(handle, bytes, 0, length, chunks.position(chunk))
        );
        yield bytes;
      }
    } finally {
      await handle.close();
    }
  }
  async remove() {
    await rm(this.path, { force: true });
  }
};
var PartitionWriter = class {
  #path;
  #seed;
  #partitions;
  #chunkBytes;
  /** One buffer per partition; a full one is handed to a write and replaced. */
  #buffers;
  #filled;
  #chunks;
  #handle;
  #end = 0;
  #inFlight = /* @__PURE__ */ new Set();
  /**
   * Chunk buffers whose write is done, for the next flush: a fresh one per flush left freed
   * buffers by the thousand waiting for a collection, as memory outside V8's heap.
   */
  #spare = [];
  #failure;
  constructor(path, seed, partitions) {
    this.#path = path;
    this.#seed = seed;
    this.#partitions = partitions;
    this.#chunkBytes = chunkBytesFor(partitions);
    this.#buffers = Array.from({ length: partitions }, () => Buffer.allocUnsafe(this.#chunkBytes));
    this.#filled = new Array(partitions).fill(0);
    this.#chunks = Array.from({ length: partitions }, () => new ChunkList());
  }
  /**
   * Adds one entry (`key` is `type \t gid`, `record` its JSON line as UTF-8). The record's bytes
   * are copied, never kept as a string: nothing it leaves behind outlives a young-generation
   * collection (buffering strings grew the heap to 210 MiB for a 100 MB export; this keeps it flat).
   */
  async add(key, modifiedAt, record) {
    const index = partitionOf(key, this.#seed, this.#partitions);
    const head = `${key}	${modifiedAt}	`;
    const length = Buffer.byteLength(head) + record.byteLength + 1;
    if (this.#filled[index] + length > this.#chunkBytes) await this.#flush(index);
    if (length > this.#chunkBytes) {
      await this.#write(index, Buffer.concat([Buffer.from(head), record, NEWLINE]));
      return;
    }
    const buffer = this.#buffers[index];
    let at = this.#filled[index];
    at += buffer.write(head, at);
    buffer.set(record, at);
    at += record.byteLength;
    buffer[at] = 10;
    this.#filled[index] = at + 1;
  }
  /** Writes whatever is still buffered, waits for every write and closes the file. */
  async end() {
    try {
      for (let index = 0; index < this.#partitions; index++) await this.#flush(index);
      await Promise.all(this.#inFlight);
      if (this.#failure !== void 0) throw this.#failure;
    } finally {
      await this.#handle?.close();
      this.#handle = void 0;
    }
    return new SpillFile(this.#path, this.#chunks);
  }
  /** Closes the file after a failure elsewhere; what was written is removed with the folder. */
  async abandon() {
    await Promise.allSettled(this.#inFlight);
    await this.#handle?.close().catch(() => {
    });
    this.#handle = void 0;
  }
  async #flush(index) {
    const filled = this.#filled[index];
    if (filled === 0) return;
    const full = this.#buffers[index];
    this.#buffers[index] = this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunkBytes);
    this.#filled[index] = 0;
    await this.#write(index, full.subarray(0, filled), full);
  }
  /**
   * Reserves the bytes' place in the file and starts writing them; waits only for room. `reuse`,
   * the chunk buffer they are in, is taken back for another flush once written.
   */
  async #write(index, bytes, reuse) {
    if (this.#failure !== void 0) throw this.#failure;
    const path = this.#path;
    this.#handle ??= await onDisk("create", path, () => open(path, "wx"));
    const handle = this.#handle;
    const position = this.#end;
    this.#end += bytes.length;
    this.#chunks[index].push(position, bytes.length);
    const writing = onDisk("write", path, async () => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(
          bytes,
          done,
          bytes.length - done,
          position + done
        );
        done += bytesWritten;
      }
      if (reuse !== void 0) this.#spare.push(reuse);
    }).catch((error) => {
      this.#failure ??= error;
    });
    const tracked = writing.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    if (this.#inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(this.#inFlight);
    if (this.#failure !== void 0) throw this.#failure;
  }
};
var NEWLINE = Buffer.from("\n");
var MIB = 1024 * 1024;
async function readFully(handle, bytes, offset, length, position) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, offset + done, length - done, position + done);
    if (bytesRead === 0)
      throw Object.assign(new Error("the spill file ends early"), { code: "EIO" });
    done += bytesRead;
  }
}

// ../core/src/node/diff-read.ts
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";

// ../core/src/protocol/abort.ts
function asCancelled(signal, what, error) {
  if (error instanceof CancelledError) return error;
  const reason = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError(what, { cause: error ?? reason });
}
function throwIfAborted(signal, what) {
  if (signal.aborted) throw asCancelled(signal, what);
}

// ../core/src/protocol/age-crypto.ts
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";
var TAG_BYTES = 16;
function hkdf(ikm, salt, info) {
  return new Uint8Array(hkdfSync("sha256", ikm, salt, info, 32));
}
function hmacSha256(key, data) {
  return createHmac("sha256", key).update(data).digest();
}
function seal(key, nonce, plain) {
  const cipher = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG_BYTES });
  const body = cipher.update(plain);
  cipher.final();
  return [body, cipher.getAuthTag()];
}
function open2(key, nonce, sealed) {
  if (sealed.length < TAG_BYTES) return void 0;
  const decipher = createDecipheriv("chacha20-poly1305", key, nonce, {
    authTagLength: TAG_BYTES
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return void 0;
  }
  return plain;
}
function concatBytes(parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ../core/src/protocol/age-header.ts
import { timingSafeEqual } from "node:crypto";

// ../core/src/protocol/age-base64.ts
var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
var VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
function decodeBase64(text) {
  if (text.length % 4 === 1) return void 0;
  const out = new Uint8Array(Math.floor(text.length * 3 / 4));
  let accumulator = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code] ?? -1 : -1;
    if (value < 0) return void 0;
    accumulator = (accumulator << 6 | value) & 65535;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = accumulator >>> bits & 255;
    }
  }
  if ((accumulator & (1 << bits) - 1) !== 0) return void 0;
  return out;
}

// ../core/src/protocol/age-header.ts
var AGE_MAGIC = "age-encryption.org/";
var VERSION_LINE = `${AGE_MAGIC}v1`;
var ARMOR_LINE = "-----BEGIN AGE ENCRYPTED FILE-----";
var COLUMNS = 64;
var MAC_BYTES = 32;
var MAX_HEADER_BYTES = 1024 * 1024;
var LF = 10;
function parseHeader(bytes) {
  checkMagic(bytes);
  const lines = new LineReader(bytes);
  const version = lines.next();
  if (version === void 0) return tooLongOrUndefined(bytes);
  if (version !== VERSION_LINE) {
    throw new AgeDecryptError(
      "unsupported",
      `it is an age file of another version (${printableVersion(version)}); only v1 is supported`
    );
  }
  const stanzas = [];
  for (; ; ) {
    const start = lines.offset;
    const line = lines.next();
    if (line === void 0) return tooLongOrUndefined(bytes);
    if (line.startsWith("---")) {
      if (!line.startsWith("--- ")) throw malformed("its MAC line has no space after ---");
      const mac = decodeBase64(line.slice(4));
      if (mac === void 0 || mac.length !== MAC_BYTES) {
        throw malformed("its MAC is not 32 bytes of canonical base64");
      }
      if (stanzas.length === 0) throw malformed("it has no recipient stanza");
      return { stanzas, macInput: bytes.subarray(0, start + 3), mac, length: lines.offset };
    }
    if (!line.startsWith("-> ")) throw malformed("a line is neither a stanza nor the MAC line");
    const args = line.slice(3).split(" ");
    if (args.some((arg) => arg === "")) throw malformed("a stanza has an empty argument");
    let body = "";
    for (; ; ) {
      const bodyLine = lines.next();
      if (bodyLine === void 0) return tooLongOrUndefined(bytes);
      if (bodyLine.length > COLUMNS)
        throw malformed("a stanza body line is longer than 64 columns");
      body += bodyLine;
      if (bodyLine.length < COLUMNS) break;
    }
    const decoded = decodeBase64(body);
    if (decoded === void 0) throw malformed("a stanza body is not canonical base64");
    stanzas.push({ args, body: decoded });
  }
}
function headerMacMatches(header, fileKey) {
  const expected = hmacSha256(macKey(fileKey), header.macInput);
  return timingSafeEqual(expected, header.mac);
}
function macKey(fileKey) {
  return hkdf(fileKey, new Uint8Array(0), "header");
}
function checkMagic(bytes) {
  const length = Math.min(bytes.length, AGE_MAGIC.length);
  for (let i = 0; i < length; i++) {
    if (bytes[i] === AGE_MAGIC.charCodeAt(i)) continue;
    const armored = ARMOR_LINE.startsWith(asciiText(bytes.subarray(0, length)));
    throw new AgeDecryptError(
      "not-age",
      armored ? "it is ASCII-armored age (age -a), which is not read here" : `it is not an age file (it does not begin with ${VERSION_LINE})`,
      armored ? "Decode it first (age -d -i KEY FILE > plain.gz), or pass the binary .age file the download wrote." : void 0
    );
  }
}
function tooLongOrUndefined(bytes) {
  if (bytes.length > MAX_HEADER_BYTES) throw malformed("its header is longer than 1 MiB");
  return void 0;
}
function malformed(problem) {
  return new AgeDecryptError("header", `its header is malformed: ${problem}`);
}
function printableVersion(line) {
  const version = line.slice(AGE_MAGIC.length);
  return version.length <= 16 ? version : `${version.slice(0, 16)}\u2026`;
}
function asciiText(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
var LineReader = class {
  #bytes;
  offset = 0;
  constructor(bytes) {
    this.#bytes = bytes;
  }
  /** The next line without its LF, or undefined when its LF has not arrived yet. */
  next() {
    const end = this.#bytes.indexOf(LF, this.offset);
    if (end < 0) {
      this.#check(this.offset, this.#bytes.length);
      return void 0;
    }
    this.#check(this.offset, end);
    const line = asciiText(this.#bytes.subarray(this.offset, end));
    this.offset = end + 1;
    return line;
  }
  #check(from, to) {
    for (let i = from; i < to; i++) {
      const byte = this.#bytes[i] ?? 0;
      if (byte < 32 || byte > 126) {
        throw malformed(
          byte === 13 ? "a line ends with CR (age uses LF alone)" : "it holds a byte that is not printable ASCII"
        );
      }
    }
  }
};

// ../core/src/protocol/age-stream.ts
var CHUNK_BYTES = 64 * 1024;
var SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
var PAYLOAD_NONCE_BYTES = 16;
var StreamCipher = class {
  #key;
  #nonce = new Uint8Array(12);
  #counter = 0;
  constructor(fileKey, payloadNonce) {
    this.#key = hkdf(fileKey, payloadNonce, "payload");
  }
  /** How many chunks have been sealed or opened. */
  get chunks() {
    return this.#counter;
  }
  seal(plain, last) {
    const sealed = seal(this.#key, this.#nonceFor(last), plain);
    this.#counter++;
    return sealed;
  }
  /** The chunk's plaintext, or undefined when it does not authenticate (as this chunk, so flagged). */
  open(sealed, last) {
    const plain = open2(this.#key, this.#nonceFor(last), sealed);
    if (plain !== void 0) this.#counter++;
    return plain;
  }
  /** Whether `sealed` would open as this chunk with the other flag: tells truncation from damage. */
  opensAs(sealed, last) {
    return open2(this.#key, this.#nonceFor(last), sealed) !== void 0;
  }
  #nonceFor(last) {
    const nonce = this.#nonce;
    let counter = this.#counter;
    for (let i = 10; i >= 0; i--) {
      nonce[i] = counter % 256;
      counter = Math.floor(counter / 256);
    }
    nonce[11] = last ? 1 : 0;
    return nonce;
  }
};
var FixedBlocks = class {
  #size;
  #held;
  #heldBytes = 0;
  constructor(size) {
    this.#size = size;
    this.#held = new Uint8Array(size);
  }
  /**
   * Adds `data`; `block` receives each whole block that more bytes follow. It may be a view of
   * `data` or of the held block, valid only during the call.
   */
  push(data, block) {
    const size = this.#size;
    let at = 0;
    while (at < data.length) {
      if (this.#heldBytes === size) {
        block(this.#held);
        this.#heldBytes = 0;
      }
      if (this.#heldBytes === 0 && data.length - at > size) {
        block(data.subarray(at, at + size));
        at += size;
        continue;
      }
      const take = Math.min(size - this.#heldBytes, data.length - at);
      this.#held.set(data.subarray(at, at + take), this.#heldBytes);
      this.#heldBytes += take;
      at += take;
    }
  }
  /** What is held: the last block, possibly whole, possibly empty. */
  rest() {
    return this.#held.subarray(0, this.#heldBytes);
  }
};

// ../core/src/protocol/age-x25519.ts
var KEY_BYTES = 32;
var ZERO_NONCE = new Uint8Array(12);
var BODY_BYTES = 32;
var SPKI_PREFIX = hexBytes("302a300506032b656e032100");
var PKCS8_PREFIX = hexBytes("302e020100300506032b656e04220420");
function readX25519Stanza(stanza) {
  if (stanza.args[0] !== "X25519") return void 0;
  if (stanza.args.length !== 2) {
    throw new AgeDecryptError(
      "header",
      `an X25519 stanza has ${stanza.args.length - 1} arguments, not 1`
    );
  }
  const share = decodeBase64(stanza.args[1] ?? "");
  if (share === void 0 || share.length !== KEY_BYTES) {
    throw new AgeDecryptError(
      "header",
      "an X25519 stanza has a share that is not 32 bytes of canonical base64"
    );
  }
  if (stanza.body.length !== BODY_BYTES) {
    throw new AgeDecryptError(
      "header",
      `an X25519 stanza has a ${stanza.body.length}-byte body, not ${BODY_BYTES}`
    );
  }
  return { share, body: stanza.body };
}
function hexBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

// ../core/src/protocol/age.ts
var FILE_KEY_BYTES = 16;
function createAgeDecryptor(identities) {
  if (identities.length === 0) {
    throw new InputError(
      "identity",
      "holds no identity",
      "Pass an identity file (AGE-SECRET-KEY-1...)."
    );
  }
  return new Decryptor(identities);
}
var Decryptor = class {
  #identities;
  /** The bytes of the header so far, until it is complete with the payload's nonce. */
  #head = [];
  #cipher;
  #blocks = new FixedBlocks(SEALED_CHUNK_BYTES);
  #finished = false;
  constructor(identities) {
    this.#identities = identities;
  }
  update(cipher) {
    if (this.#finished) throw new RangeError("update() after final()");
    let payload = cipher;
    if (this.#cipher === void 0) {
      this.#head.push(cipher);
      const rest = this.#tryHeader();
      if (rest === void 0) return [];
      payload = rest;
    }
    const cipherStream = this.#cipher;
    if (cipherStream === void 0) return [];
    const out = [];
    this.#blocks.push(payload, (sealed) => {
      const plain = cipherStream.open(sealed, false);
      if (plain === void 0) throw this.#badChunk(cipherStream, sealed);
      out.push(plain);
    });
    return out;
  }
  final() {
    if (this.#finished) throw new RangeError("final() twice");
    this.#finished = true;
    const cipherStream = this.#cipher;
    if (cipherStream === void 0) {
      const bytes = concatBytes(this.#head);
      if (bytes.length === 0) throw new AgeDecryptError("not-age", "the file is empty");
      const header = parseHeader(bytes);
      throw new AgeDecryptError(
        "truncated",
        header === void 0 ? "the file ends inside its header" : "the file ends before its payload"
      );
    }
    const sealed = this.#blocks.rest();
    const chunk = cipherStream.chunks;
    if (sealed.length === 0) {
      throw new AgeDecryptError(
        "truncated",
        chunk === 0 ? "the file ends before its payload" : `the file ends after chunk ${chunk}, before its final chunk`
      );
    }
    if (sealed.length === TAG_BYTES && chunk > 0) {
      throw new AgeDecryptError("payload", `its final chunk (${chunk + 1}) is empty`);
    }
    const plain = cipherStream.open(sealed, true);
    if (plain !== void 0) return [plain];
    if (sealed.length === SEALED_CHUNK_BYTES && cipherStream.opensAs(sealed, false)) {
      throw new AgeDecryptError(
        "truncated",
        `the file ends after chunk ${chunk + 1}, before its final chunk`
      );
    }
    throw new AgeDecryptError(
      sealed.length < TAG_BYTES ? "truncated" : "payload",
      sealed.length < TAG_BYTES ? `the file ends inside chunk ${chunk + 1}` : `chunk ${chunk + 1} (the last) does not authenticate: the file was changed, cut short or extended`
    );
  }
  /** Once the header and the payload's nonce are in: the bytes after them; until then undefined. */
  #tryHeader() {
    const bytes = this.#head.length === 1 ? this.#head[0] ?? new Uint8Array(0) : concatBytes(this.#head);
    this.#head = [bytes];
    const header = parseHeader(bytes);
    if (header === void 0) return void 0;
    if (bytes.length < header.length + PAYLOAD_NONCE_BYTES) return void 0;
    const fileKey = this.#unwrap(header);
    if (!headerMacMatches(header, fileKey)) {
      throw new AgeDecryptError(
        "header-mac",
        "its header MAC does not match: the header was changed"
      );
    }
    const nonce = bytes.subarray(header.length, header.length + PAYLOAD_NONCE_BYTES);
    this.#cipher = new StreamCipher(fileKey, nonce);
    this.#head = [];
    return bytes.subarray(header.length + PAYLOAD_NONCE_BYTES);
  }
  #unwrap(header) {
    const types = /* @__PURE__ */ new Set();
    let x25519 = 0;
    for (const stanza of header.stanzas) {
      const x25519Stanza = readX25519Stanza(stanza);
      if (x25519Stanza === void 0) {
        types.add(stanza.args[0] ?? "");
        continue;
      }
      x25519++;
      for (const identity of this.#identities) {
        const fileKey = identity.unwrap(x25519Stanza);
        if (fileKey === void 0) continue;
        if (fileKey.length !== FILE_KEY_BYTES) {
          throw new AgeDecryptError(
            "header",
            "its header is malformed: a file key is not 16 bytes"
          );
        }
        return fileKey;
      }
    }
    const given = `${this.#identities.length} ${this.#identities.length === 1 ? "identity" : "identities"}`;
    if (x25519 === 0) {
      const other = [...types].filter((type) => /^[\x21-\x7e]{1,40}$/.test(type)).join(", ");
      throw new AgeDecryptError(
        "unsupported",
        `it has no X25519 recipient stanza${other ? ` (its recipients are of type ${other})` : ""}; only X25519 recipients (age1...) are supported`
      );
    }
    throw new AgeDecryptError(
      "no-identity",
      `none of the ${given} given opens any of its ${x25519} X25519 recipient stanzas`
    );
  }
  #badChunk(cipher, sealed) {
    const chunk = cipher.chunks + 1;
    if (cipher.opensAs(sealed, true)) {
      return new AgeDecryptError(
        "payload",
        `bytes follow its final chunk (${chunk}): the file was extended`
      );
    }
    return new AgeDecryptError(
      "payload",
      `chunk ${chunk} does not authenticate: the file was changed, cut short or extended`
    );
  }
};

// ../core/src/protocol/diff-record-key.ts
import { hash } from "node:crypto";

// ../core/src/protocol/json-scan.ts
var MAX_JSON_DEPTH = 1e4;
var PLAIN = 0;
var QUOTE = 1;
var BACKSLASH = 2;
var CONTROL = 3;
var HIGH = 4;
var STRING_CLASS = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  STRING_CLASS[byte] = byte < 32 ? CONTROL : byte === 34 ? QUOTE : byte === 92 ? BACKSLASH : byte >= 128 ? HIGH : PLAIN;
}
var HEX = new Uint8Array(256).fill(16);
for (let digit = 0; digit < 10; digit++) HEX[48 + digit] = digit;
for (let digit = 0; digit < 6; digit++) {
  HEX[65 + digit] = 10 + digit;
  HEX[97 + digit] = 10 + digit;
}
var U_ESCAPE = 65535;
var ESCAPE = new Uint16Array(256);
for (const [letter, unit] of [
  ['"', 34],
  ["\\", 92],
  ["/", 47],
  ["b", 8],
  ["f", 12],
  ["n", 10],
  ["r", 13],
  ["t", 9],
  ["u", U_ESCAPE]
]) {
  ESCAPE[letter.charCodeAt(0)] = unit;
}
var LITERALS = new Uint8Array([
  116,
  114,
  117,
  101,
  102,
  97,
  108,
  115,
  101,
  110,
  117,
  108,
  108
]);
var RESOURCE_TYPE = Array.from("resource_type", (char) => char.charCodeAt(0));
function jsonNestingExceeds(bytes, limit) {
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const b = bytes[i];
    if (b === 34) {
      for (; ; ) {
        const quote = bytes.indexOf(34, i + 1);
        if (quote === -1) return false;
        let before = quote - 1;
        while (bytes[before] === 92) before--;
        i = quote;
        if ((quote - 1 - before & 1) === 0) break;
      }
    } else if (b === 123 || b === 91) {
      if (++depth > limit) return true;
    } else if (b === 125 || b === 93) {
      depth--;
    }
  }
  return false;
}

// ../core/src/protocol/diff-key-scan.ts
var QUOTE2 = 34;
var BACKSLASH2 = 92;
var OPEN_OBJECT = 123;
var CLOSE_OBJECT = 125;
var OPEN_ARRAY = 91;
var CLOSE_ARRAY = 93;
var COMMA = 44;
var COLON = 58;
var OTHER = 0;
var GID = 1;
var TYPE = 2;
var MODIFIED = 3;
var GID_BYTES = [103, 105, 100];
var TYPE_BYTES = Array.from("resource_type", (char) => char.charCodeAt(0));
var MODIFIED_BYTES = Array.from("modified_at", (char) => char.charCodeAt(0));
function isSpace(byte) {
  return byte === 32 || byte === 10 || byte === 13 || byte === 9;
}
function isDigit(byte) {
  return byte >= 48 && byte <= 57;
}
function isHex(byte) {
  return isDigit(byte) || byte >= 65 && byte <= 70 || byte >= 97 && byte <= 102;
}
function equalsAt(bytes, start, end, word) {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}
var stringEnd = 0;
var stringEscaped = false;
function scanString(bytes, at) {
  const length = bytes.length;
  let escaped2 = false;
  for (let i = at + 1; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE2) {
      stringEnd = i + 1;
      stringEscaped = escaped2;
      return true;
    }
    if (byte < 32) return false;
    if (byte === BACKSLASH2) {
      escaped2 = true;
      const next = bytes[++i];
      if (next === 117) {
        if (i + 4 >= length) return false;
        for (let digit = 1; digit <= 4; digit++)
          if (!isHex(bytes[i + digit])) return false;
        i += 4;
      } else if (next !== QUOTE2 && next !== BACKSLASH2 && next !== 47 && next !== 98 && next !== 102 && next !== 110 && next !== 114 && next !== 116) {
        return false;
      }
    }
  }
  return false;
}
function scanNumber(bytes, at) {
  let i = at;
  if (bytes[i] === 45) i++;
  if (bytes[i] === 48) i++;
  else if (isDigit(bytes[i])) {
    while (isDigit(bytes[i])) i++;
  } else return -1;
  if (bytes[i] === 46) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 101 || bytes[i] === 69) {
    i++;
    if (bytes[i] === 43 || bytes[i] === 45) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}
var LITERALS2 = [
  Array.from("true", (char) => char.charCodeAt(0)),
  Array.from("false", (char) => char.charCodeAt(0)),
  Array.from("null", (char) => char.charCodeAt(0))
];
function scanLiteral(bytes, at) {
  for (const word of LITERALS2) {
    if (bytes[at] === word[0] && equalsAt(bytes, at, at + word.length, word)) {
      return at + word.length;
    }
  }
  return -1;
}
function scanTopLevelKeys(bytes) {
  const length = bytes.length;
  let i = 0;
  while (i < length && isSpace(bytes[i])) i++;
  if (bytes[i] !== OPEN_OBJECT) return void 0;
  const found = {
    gidStart: -1,
    gidEnd: -1,
    typeStart: -1,
    typeEnd: -1,
    modifiedStart: -1,
    modifiedEnd: -1
  };
  const open3 = [true];
  i++;
  let wantKey = true;
  let first = true;
  let field = OTHER;
  for (; ; ) {
    while (i < length && isSpace(bytes[i])) i++;
    if (i >= length) return void 0;
    let byte = bytes[i];
    if (wantKey) {
      if (first && byte === CLOSE_OBJECT) {
      } else {
        if (byte !== QUOTE2 || !scanString(bytes, i)) return void 0;
        const keyStart = i + 1;
        const keyEnd = stringEnd - 1;
        field = OTHER;
        if (open3.length === 1) {
          if (stringEscaped) return void 0;
          if (equalsAt(bytes, keyStart, keyEnd, GID_BYTES)) field = GID;
          else if (equalsAt(bytes, keyStart, keyEnd, TYPE_BYTES)) field = TYPE;
          else if (equalsAt(bytes, keyStart, keyEnd, MODIFIED_BYTES)) field = MODIFIED;
        }
        i = stringEnd;
        while (i < length && isSpace(bytes[i])) i++;
        if (bytes[i] !== COLON) return void 0;
        i++;
        wantKey = false;
        first = false;
        continue;
      }
    } else if (!(first && byte === CLOSE_ARRAY)) {
      const topField = open3.length === 1 ? field : OTHER;
      field = OTHER;
      if (byte === QUOTE2) {
        if (!scanString(bytes, i)) return void 0;
        if (topField !== OTHER) {
          if (stringEscaped) return void 0;
          noteString(found, topField, i + 1, stringEnd - 1);
        }
        i = stringEnd;
      } else {
        if (topField !== OTHER) noteString(found, topField, -1, -1);
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
          if (open3.length >= MAX_JSON_DEPTH) return void 0;
          open3.push(byte === OPEN_OBJECT);
          wantKey = byte === OPEN_OBJECT;
          first = true;
          i++;
          continue;
        }
        i = byte === 45 || isDigit(byte) ? scanNumber(bytes, i) : scanLiteral(bytes, i);
        if (i === -1) return void 0;
      }
      while (i < length && isSpace(bytes[i])) i++;
      if (i >= length) return void 0;
      byte = bytes[i];
    }
    for (; ; ) {
      if (byte === COMMA) {
        i++;
        wantKey = open3[open3.length - 1];
        first = false;
        break;
      }
      const isObject = open3[open3.length - 1];
      if (byte !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return void 0;
      open3.pop();
      i++;
      while (i < length && isSpace(bytes[i])) i++;
      if (open3.length === 0) return i === length ? found : void 0;
      if (i >= length) return void 0;
      byte = bytes[i];
    }
  }
}
function noteString(found, field, start, end) {
  if (field === GID) {
    found.gidStart = start;
    found.gidEnd = end;
  } else if (field === TYPE) {
    found.typeStart = start;
    found.typeEnd = end;
  } else {
    found.modifiedStart = start;
    found.modifiedEnd = end;
  }
}

// ../core/src/protocol/version.ts
var TOOL_NAME = "asana-exports";
var TOOL_VERSION = "0.1.0";
var USER_AGENT = `${TOOL_NAME}/${TOOL_VERSION} (+https://github.com/asana-exports/asana-exports)`;

// ../core/src/protocol/diff-report.ts
var NO_GID = "(no gid)";

// ../core/src/protocol/records.ts
var NO_RESOURCE_TYPE = "(none)";
var HOLD_LINE_BYTES = 1 << 20;
var DEPTH_CHECK_BYTES = 2 * MAX_JSON_DEPTH + 2;

// ../core/src/protocol/diff-record-key.ts
var MAX_COMPARED_RECORD_BYTES = 16777216;
var GID2 = /^[0-9A-Za-z_-]{1,64}$/;
var TIMESTAMP = /^[0-9T:.+Z-]{1,40}$/;
var decoder;
var valueDecoder;
function decodeRecordLine(bytes) {
  decoder ??= new TextDecoder("utf-8", { fatal: true });
  return decoder.decode(bytes);
}
function recordKeyOf(bytes, lineNumber, damaged) {
  const found = isUtf8(bytes) ? scanTopLevelKeys(bytes) : void 0;
  if (found === void 0) return parsedRecordKeyOf(bytes, lineNumber, damaged);
  const type = found.typeStart === -1 ? NO_RESOURCE_TYPE : printable(textOf(bytes, found.typeStart, found.typeEnd), 256);
  const gidText = found.gidStart === -1 ? "" : asciiOf(bytes, found.gidStart, found.gidEnd, 64);
  const hasGid = gidText !== "" && GID2.test(gidText);
  const gid = hasGid ? gidText : `${NO_GID}:${hash("sha256", bytes, "hex").slice(0, 32)}`;
  const modified = found.modifiedStart === -1 ? "" : asciiOf(bytes, found.modifiedStart, found.modifiedEnd, 40);
  const modifiedAt = TIMESTAMP.test(modified) ? modified : "";
  return { type, gid, modifiedAt, hasGid };
}
function isUtf8(bytes) {
  try {
    decodeRecordLine(bytes);
    return true;
  } catch {
    return false;
  }
}
function asciiOf(bytes, start, end, limit) {
  if (end - start > limit) return "";
  let text = "";
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte >= 128) return "";
    text += String.fromCharCode(byte);
  }
  return text;
}
function textOf(bytes, start, end) {
  const ascii = asciiOf(bytes, start, end, 256);
  if (ascii !== "" || start === end) return ascii;
  valueDecoder ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  return valueDecoder.decode(bytes.subarray(start, end));
}
function parsedRecordKeyOf(bytes, lineNumber, damaged) {
  let text;
  try {
    text = decodeRecordLine(bytes);
  } catch {
    throw damaged(`line ${lineNumber} is not valid UTF-8`);
  }
  if (text.trim() === "") return void 0;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged(`line ${lineNumber} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw damaged(
      `line ${lineNumber} is not a JSON object; a change report compares exports of one record per line`
    );
  }
  if (bytes.byteLength >= 2 * MAX_JSON_DEPTH + 2 && jsonNestingExceeds(bytes, MAX_JSON_DEPTH)) {
    throw damaged(`line ${lineNumber} nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const record = value;
  const type = typeof record.resource_type === "string" ? printable(record.resource_type, 256) : NO_RESOURCE_TYPE;
  const hasGid = typeof record.gid === "string" && GID2.test(record.gid);
  const gid = hasGid ? record.gid : `${NO_GID}:${hash("sha256", text, "hex").slice(0, 32)}`;
  const modifiedAt = typeof record.modified_at === "string" && TIMESTAMP.test(record.modified_at) ? record.modified_at : "";
  return { type, gid, modifiedAt, hasGid };
}

// ../core/src/protocol/hash.ts
import { createHash } from "node:crypto";
function createSha256() {
  const hash2 = createHash("sha256");
  return {
    update: (chunk) => {
      hash2.update(chunk);
    },
    digest: () => hash2.digest("hex")
  };
}

// ../core/src/node/threaded-record-counter.ts
var WORKER_URL = new URL("./record-counter-worker.js", import.meta.url);

// ../core/src/node/verify-file.ts
var Digest = class {
  #hash = createSha256();
  #bytes = 0;
  update(chunk) {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
  }
  result() {
    return { bytes: this.#bytes, sha256: this.#hash.digest() };
  }
};

// ../core/src/node/diff-read.ts
var NEWLINE2 = 10;
async function readIntoPartitions(side, writer, signal) {
  const damaged = (problem, cause) => new IntegrityError(problem, { storedFile: side.shown, cause });
  const content = new Digest();
  const ciphertext = side.identities === void 0 ? void 0 : new Digest();
  const decryptor = side.identities === void 0 ? void 0 : createAgeDecryptor(side.identities);
  const lines = new LineReader2(writer, damaged);
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const feed = async () => {
    try {
      for await (const chunk of createReadStream(side.path, { highWaterMark: 1024 * 1024 })) {
        throwIfAborted(signal, "The diff");
        const bytes = chunk;
        const plain = decryptor === void 0 ? [bytes] : decryptor.update(bytes);
        ciphertext?.update(bytes);
        for (const piece of plain) {
          content.update(piece);
          if (!gunzip.write(piece)) await drained(gunzip);
        }
      }
      for (const piece of decryptor?.final() ?? []) {
        content.update(piece);
        if (!gunzip.write(piece)) await drained(gunzip);
      }
      gunzip.end();
    } catch (error) {
      gunzip.destroy();
      throw asLocalError(error, "read", side.path);
    }
  };
  const consume = async () => {
    try {
      for await (const chunk of gunzip) {
        throwIfAborted(signal, "The diff");
        await lines.push(chunk);
      }
    } catch (error) {
      if (error instanceof Error && "code" in error && String(error.code).startsWith("Z_")) {
        throw damaged(gzipProblem(String(error.code)), error);
      }
      throw error;
    }
    await lines.end();
  };
  await Promise.all([feed(), consume()]);
  return {
    content: content.result(),
    ciphertext: ciphertext?.result(),
    records: lines.counts(),
    withoutGid: lines.withoutGid
  };
}
function gzipProblem(code) {
  return code === "Z_BUF_ERROR" ? "its gzip stream ends early (the file is cut short)" : `its gzip stream is corrupt (${code})`;
}
function drained(stream) {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off("error", reject);
      resolve();
    };
    stream.once("drain", done);
    stream.once("error", reject);
  });
}
var LineReader2 = class {
  #writer;
  #damaged;
  #pieces = [];
  #held = 0;
  #lineNumber = 0;
  #records = 0;
  withoutGid = 0;
  #byType = /* @__PURE__ */ new Map();
  constructor(writer, damaged) {
    this.#writer = writer;
    this.#damaged = damaged;
  }
  async push(chunk) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE2); end !== -1; end = chunk.indexOf(NEWLINE2, start)) {
      this.#hold(chunk.subarray(start, end));
      await this.#line();
      start = end + 1;
    }
    if (start < chunk.length) this.#hold(chunk.slice(start));
  }
  async end() {
    if (this.#held > 0) await this.#line();
  }
  counts() {
    return { records: this.#records, byResourceType: Object.fromEntries(this.#byType) };
  }
  #hold(piece) {
    this.#held += piece.byteLength;
    if (this.#held > MAX_COMPARED_RECORD_BYTES) {
      throw this.#damaged(
        `line ${this.#lineNumber + 1} is longer than ${MAX_COMPARED_RECORD_BYTES} bytes, more than a change report compares`
      );
    }
    if (piece.byteLength > 0) this.#pieces.push(piece);
  }
  async #line() {
    this.#lineNumber += 1;
    let bytes = this.#pieces.length === 1 ? this.#pieces[0] : Buffer.concat(this.#pieces);
    this.#pieces = [];
    this.#held = 0;
    if (this.#lineNumber === 1 && bytes[0] === 239 && bytes[1] === 187 && bytes[2] === 191) {
      bytes = bytes.subarray(3);
    }
    const key = recordKeyOf(bytes, this.#lineNumber, this.#damaged);
    if (key === void 0) return;
    this.#records += 1;
    this.#byType.set(key.type, (this.#byType.get(key.type) ?? 0) + 1);
    if (!key.hasGid) this.withoutGid += 1;
    await this.#writer.add(`${key.type}	${key.gid}`, key.modifiedAt, bytes);
  }
};

// ../core/src/node/diff-thread-messages.ts
function sendableError(error) {
  if (error instanceof IntegrityError) return { kind: "integrity", problem: error.problem };
  if (error instanceof LocalFileError) {
    const { operation, path, code, hint } = error;
    return { kind: "local", operation, path, code, hint };
  }
  return { kind: "unexpected", message: error instanceof Error ? error.message : String(error) };
}

// ../core/src/node/diff-worker.ts
var port = parentPort;
if (!port) throw new Error("diff-worker must run in a worker thread");
var never = new AbortController().signal;
async function run(job) {
  const writer = new PartitionWriter(job.spillPath, 0, job.partitions);
  try {
    const side = { path: job.path, shown: job.shown, identities: void 0 };
    const figures = await readIntoPartitions(side, writer, never);
    return { type: "read", figures, spill: (await writer.end()).data() };
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}
run(workerData).then(
  // The spill's index is moved across, not copied: this thread ends with the answer.
  (answer) => port.postMessage(answer, answer.type === "read" ? transferables(answer.spill) : []),
  (error) => port.postMessage({ type: "failed", error: sendableError(error) })
);

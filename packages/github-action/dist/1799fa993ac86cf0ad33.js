// src/node/record-counter-worker.ts
import { parentPort, workerData } from "node:worker_threads";

// src/protocol/errors.ts
var AsanaExportError = class extends Error {
  /**
   * What the user can do about it, when we know. Writable so that a caller with more context
   * (e.g. "this create may have reached Asana") can extend it without changing the error's type.
   */
  hint;
  constructor(message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
};
var IntegrityError = class extends AsanaExportError {
  category = "integrity";
  /** What is wrong, without the sentence around it: lets a worker thread's finding cross over. */
  problem;
  constructor(problem, options) {
    super(`The downloaded export is not intact: ${problem}`, {
      hint: "No file was kept under the final name. Run the download again; it fetches a fresh copy.",
      cause: options?.cause
    });
    this.problem = problem;
  }
};

// src/protocol/records.ts
var NO_RESOURCE_TYPE = "(none)";
var NEWLINE = 10;
var RecordCounter = class {
  #parse;
  /** Pending bytes of the current line; only kept when lines are parsed. */
  #pieces = [];
  #pendingBytes = 0;
  /** Whether the current, unfinished line has anything but whitespace. */
  #pendingHasContent = false;
  /** Physical lines completed so far, blank ones included, so errors match `sed -n Np`. */
  #lineNumber = 0;
  #records = 0;
  #byType = /* @__PURE__ */ new Map();
  // Each line is decoded on its own: a newline byte never occurs inside a multi-byte UTF-8
  // sequence, so lines are self-contained, and a decoding error points at its own line.
  #decoder = new TextDecoder("utf-8", { fatal: true });
  constructor(options) {
    this.#parse = options.format === "jsonl" && options.validateJson;
  }
  push(chunk) {
    let start = 0;
    for (; ; ) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.#finishLine(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.#keepPartial(chunk, start);
  }
  end() {
    if (this.#pendingBytes > 0) this.#finishLine(new Uint8Array(0), 0, 0);
    return {
      records: this.#records,
      byResourceType: this.#parse ? Object.fromEntries(this.#byType) : void 0
    };
  }
  #keepPartial(chunk, start) {
    this.#pendingBytes += chunk.length - start;
    if (!this.#pendingHasContent) this.#pendingHasContent = hasContent(chunk, start, chunk.length);
    if (this.#parse) this.#pieces.push(chunk.slice(start));
  }
  #finishLine(chunk, start, end) {
    this.#lineNumber += 1;
    const counted = this.#pendingHasContent || hasContent(chunk, start, end);
    if (counted) {
      this.#records += 1;
      if (this.#parse) this.#countType(this.#lineBytes(chunk, start, end));
    }
    this.#pieces = [];
    this.#pendingBytes = 0;
    this.#pendingHasContent = false;
  }
  #lineBytes(chunk, start, end) {
    const tail = chunk.subarray(start, end);
    if (this.#pieces.length === 0) return tail;
    const line = new Uint8Array(this.#pendingBytes + tail.length);
    let offset = 0;
    for (const piece of this.#pieces) {
      line.set(piece, offset);
      offset += piece.length;
    }
    line.set(tail, offset);
    return line;
  }
  #countType(bytes) {
    let text;
    try {
      text = this.#decoder.decode(bytes);
    } catch (cause) {
      throw new IntegrityError(`line ${this.#lineNumber} is not valid UTF-8`, { cause });
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new IntegrityError(`line ${this.#lineNumber} is not valid JSON`, { cause });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new IntegrityError(
        `line ${this.#lineNumber} is valid JSON but not an object; expected one object per line`
      );
    }
    const type = value.resource_type;
    const key = typeof type === "string" ? type : NO_RESOURCE_TYPE;
    this.#byType.set(key, (this.#byType.get(key) ?? 0) + 1);
  }
};
function hasContent(bytes, start, end) {
  for (let index = start; index < end; index++) {
    const byte = bytes[index];
    if (byte !== 32 && byte !== 9 && byte !== 13) return true;
  }
  return false;
}

// src/node/record-counter-worker.ts
var port = parentPort;
if (!port) throw new Error("record-counter-worker must run in a worker thread");
var counter = new RecordCounter(workerData);
var failed = false;
port.on("message", (message) => {
  if (failed) return;
  const reply = (answer) => port.postMessage(answer);
  try {
    if (message.type === "chunk") {
      counter.push(message.chunk);
      reply({ type: "ack" });
    } else {
      reply({ type: "done", counts: counter.end() });
    }
  } catch (error) {
    failed = true;
    reply({
      type: "failed",
      problem: error instanceof IntegrityError ? error.problem : String(error)
    });
  }
});

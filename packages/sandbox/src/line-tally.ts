/** Counts complete JSON lines and their `resource_type`s in a stream of decompressed chunks. */
export class LineTally {
  records = 0;
  readonly byResourceType: Record<string, number> = {};
  #partial: Buffer = Buffer.alloc(0);

  add(chunk: Buffer): void {
    let data = this.#partial.length === 0 ? chunk : Buffer.concat([this.#partial, chunk]);
    for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10)) {
      this.addLine(data.subarray(0, newline).toString('utf8'));
      data = data.subarray(newline + 1);
    }
    // Copy so the tally does not pin the caller's (possibly large) chunk in memory.
    this.#partial = Buffer.from(data);
  }

  /** Counts one line; a line that is not a JSON object counts as a record of no type. */
  addLine(line: string): void {
    this.records += 1;
    const type = resourceTypeOf(line);
    if (type !== undefined) this.countType(type);
  }

  countType(type: string): void {
    this.byResourceType[type] = (this.byResourceType[type] ?? 0) + 1;
  }
}

function resourceTypeOf(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'resource_type' in value) {
      return typeof value.resource_type === 'string' ? value.resource_type : undefined;
    }
  } catch {
    // Not JSON: counted as a line only.
  }
  return undefined;
}

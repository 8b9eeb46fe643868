/** `100MB`, `1GB`, `4GB` (powers of ten) → bytes. */
export function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(text);
  if (!match) throw new Error(`size: "${text}" is not a size such as 100MB or 1GB`);
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[(match[2] ?? 'B').toUpperCase()];
  return Math.round(Number(match[1]) * unit);
}

/**
 * Creates a graph export of `uncompressedBytes` in the sandbox (with any other `scenario` settings)
 * and returns its job gid and the file the sandbox will serve (generated on first use, then cached
 * across runs).
 */
export async function createExportOfSize(sandbox, uncompressedBytes, scenario = {}) {
  sandbox.configure({
    contentBytes: uncompressedBytes,
    durationMs: 0,
    corruption: 'none',
    ...scenario,
  });
  const gid = await sandbox.startExport({
    parent: String(
      1500000000000000 + (uncompressedBytes % 1e9) + (scenario.longLineBytes ?? 0) * 7,
    ),
  });
  console.error(`preparing a ${uncompressedBytes}-byte export (generated once, then cached)...`);
  const file = await sandbox.exportFile(gid);
  return { gid, file: { ...file, uncompressedBytes } };
}

export async function exportFileOfSize(sandbox, uncompressedBytes) {
  return (await createExportOfSize(sandbox, uncompressedBytes)).file;
}

/** The median of a list of numbers. */
export function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Several timed runs of one command: the median wall time, the largest peak RSS, every run. */
export function summarise(samples) {
  return {
    wallSeconds: median(samples.map((s) => s.wallSeconds)),
    peakRssMiB: Math.max(...samples.map((s) => s.peakRssMiB)),
    runs: samples.map((s) => s.wallSeconds),
  };
}

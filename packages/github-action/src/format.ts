/** Formatting for the job summary that only the action needs; sizes come from the core. */

/** `12345678` → `12,345,678`, the same on every runner whatever its locale. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A value shown as code in the summary, escaped. */
export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/**
 * CSV as Excel and WPS open it without asking: UTF-8 with a byte-order mark (otherwise Chinese comes out
 * as mojibake), RFC 4180 quoting, CRLF line ends.
 */

/** The UTF-8 byte-order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab / CR) gets a
 * leading apostrophe, the usual guard against CSV formula injection: results and names are free text.
 */
function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One field per RFC 4180: quoted when it holds a quote, comma, CR or LF; inner quotes doubled. */
export function csvField(value: string): string {
  const safe = defuse(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole document: BOM, header, rows, each line ended by CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}

// tokens.csv: one token per row, in the first column or a named/indexed one. A first row that names the
// column (token, authorization, …) is a header, not a token. The file holds secrets: an error names a row and a
// column, never a cell's content (a first row that is not a header is a token, and may be anything at all).

const HEADER_NAMES = new Set(['token', 'tokens', 'authorization', 'auth', 'bearer', 'value', 'jwt', 'api_key', 'apikey', 'key']);

export function parseTokens(text: string, column?: string | number): { ok: true; tokens: string[] } | { ok: false; error: string } {
  const rows = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(splitCsvLine);
  if (rows.length === 0) return { ok: false, error: 'the file holds no tokens' };
  let index = 0;
  let hasHeader = HEADER_NAMES.has(rows[0]![0]!.trim().toLowerCase());
  if (typeof column === 'number') index = column;
  else if (typeof column === 'string') {
    index = rows[0]!.findIndex((cell) => cell.trim() === column);
    if (index < 0) {
      const count = rows[0]!.length;
      return {
        ok: false,
        error:
          `no column named ${JSON.stringify(column)} in row 1, read as the header row (${count} column${count === 1 ? '' : 's'}); ` +
          'name a column of the header row, or give the column by number (column: 0 is the first)',
      };
    }
    hasHeader = true;
  }
  const tokens = rows.slice(hasHeader ? 1 : 0).map((row) => (row[index] ?? '').trim());
  const empty = tokens.findIndex((t) => t === '');
  if (empty >= 0) return { ok: false, error: `row ${empty + (hasHeader ? 2 : 1)} has no token in column ${index}` };
  if (tokens.length === 0) return { ok: false, error: 'the file holds a header row but no tokens' };
  return { ok: true, tokens };
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

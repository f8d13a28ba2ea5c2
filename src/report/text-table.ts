// Fixed-width text tables for terminals; widths ignore ANSI colour codes.

export type Align = 'left' | 'right';

const ANSI = /\u001b\[[0-9;]*m/g;

function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Renders rows as aligned columns separated by two spaces; `indent` prefixes every line. */
export function textTable(rows: string[][], align: Align[] = [], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))));
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      const pad = ' '.repeat((widths[i] ?? 0) - visibleWidth(cell));
      if (i === row.length - 1 && align[i] !== 'right') return cell;
      return align[i] === 'right' ? pad + cell : cell + pad;
    });
    return `${indent}${cells.join('  ')}`.trimEnd();
  });
}

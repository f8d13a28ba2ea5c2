// `${scope.key}` references, shared by `${env.API_TOKEN}` in requests and `${postgres.url}` in service env.

export interface Reference {
  scope: string;
  key: string;
  /** Offsets of the whole `${…}` in the text. */
  start: number;
  end: number;
}

const REFERENCE = /\$\{\s*([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)\s*\}/g;
const ANY_REFERENCE = /\$\{[^}]*\}?/g;

export function findReferences(text: string): Reference[] {
  return [...text.matchAll(REFERENCE)].map((m) => ({ scope: m[1]!, key: m[2]!, start: m.index!, end: m.index! + m[0].length }));
}

/** `${…}` that are not `scope.key` (e.g. `${API_TOKEN}` or an unclosed `${env.X`). */
export function findMalformed(text: string): Array<{ text: string; start: number }> {
  return [...text.matchAll(ANY_REFERENCE)]
    .filter((m) => !new RegExp(`^${REFERENCE.source}$`).test(m[0]))
    .map((m) => ({ text: m[0], start: m.index! }));
}

export function substitute(text: string, resolve: (scope: string, key: string) => string): string {
  return text.replace(REFERENCE, (_, scope: string, key: string) => resolve(scope, key));
}

// `expect:` values parsed once, when the config is read: a status (a code or a class like 2xx), and the JSONPath
// subset `expect.json.path` accepts: `$`, then any number of `.name`, `['name']` (or "name") and `[0]` steps, e.g.
// `$.data.items[0].id` or `$['content-type']`. No wildcards, filters, slices or recursive descent: a check names one
// value, walked per response as a list of keys and indexes.
import { show } from './units.ts';

type JsonPathStep = string | number;

export type ParsedJsonPath = { ok: true; steps: JsonPathStep[] } | { ok: false; error: string };

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;
const INDEX = /^\[(0|[1-9][0-9]{0,8})\]/;
const QUOTED = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/;

const HINT = 'write a path like $.code, $.data.items[0].id or $["content-type"]';

export function parseJsonPath(text: string): ParsedJsonPath {
  if (!text.startsWith('$')) return { ok: false, error: `a JSON path starts with $; ${HINT}` };
  const steps: JsonPathStep[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const at = text.length - rest.length + 1;
    let match: RegExpExecArray | null;
    if (rest.startsWith('.')) {
      match = NAME.exec(rest.slice(1));
      if (!match) return { ok: false, error: `expected a key name after "." at character ${at}${unsupported(rest)}; ${HINT}` };
      steps.push(match[0]);
      rest = rest.slice(1 + match[0].length);
    } else if ((match = INDEX.exec(rest))) {
      steps.push(Number(match[1]));
      rest = rest.slice(match[0].length);
    } else if ((match = QUOTED.exec(rest))) {
      steps.push((match[1] ?? match[2]!).replace(/\\(.)/g, '$1'));
      rest = rest.slice(match[0].length);
    } else {
      const what = rest.startsWith('[') ? 'an index like [0] or a quoted key like ["name"]' : 'a "." or "["';
      return { ok: false, error: `expected ${what} at character ${at}${unsupported(rest)}; ${HINT}` };
    }
  }
  return { ok: true, steps };
}

function unsupported(rest: string): string {
  return /^(\.\.|\[\*|\.\*|\[\?|\[-|\[\d*:)/.test(rest) ? ' (wildcards, filters, slices and .. are not supported)' : '';
}

/** A status code (100–599) or a class like 2xx; `expect.status` takes one or a list. */
export function parseStatus(value: unknown): { ok: true; code?: number; class?: number } | { ok: false; error: string } {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return { ok: true, code: value };
  if (typeof value === 'string' && /^[1-5]xx$/i.test(value.trim())) return { ok: true, class: Number(value.trim()[0]) };
  return { ok: false, error: `expected a status code like 200, a class like 2xx, or a list of them, got ${show(value)}` };
}

// The wording of schema problems: a zod issue → a ConfigIssue at the key's file:line:col, in the user's terms
// ('expected a percentage like 5%', 'unknown key "duraton"; did you mean "duration"?').
import type { z } from 'zod';
import type { ConfigIssue } from '../errors.ts';
import { keyPath, type Positions, type Segments } from './positions.ts';
import { perfFileSchema } from './schema.ts';
import { suggest } from './suggest.ts';
import { BUDGET_METRICS, COMPARE_METRICS, type SourceLocation } from './types.ts';

/** Where the normalisers report a problem they find in validated input. */
export type AddIssue = (at: SourceLocation, keyPath: string, message: string) => void;

export function describeIssue(issue: z.core.$ZodIssue, pos: Positions, data: unknown): ConfigIssue[] {
  const segments = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const valid = knownKeys(segments);
    return issue.keys.map((key) => {
      const hint = suggest(key, valid);
      const what = segments[segments.length - 1] === 'budgets' ? `unknown metric "${key}"` : `unknown key "${key}"`;
      const rest = hint ? `; did you mean "${hint}"?` : valid.length ? `; expected one of: ${valid.join(', ')}` : '';
      return { at: pos.of([...segments, key], true), path: keyPath([...segments, key]), message: `${what}${rest}` };
    });
  }
  const found = pos.find(segments);
  const value = valueAt(data, segments);
  const at = pos.at(found.offset);
  const where = keyPath(segments);
  if (value === undefined && !found.exact) {
    const name = String(segments[segments.length - 1]);
    return [{ at, path: keyPath(segments.slice(0, -1)), message: `missing required key "${name}"${requiredHint(name)}` }];
  }
  if (issue.code === 'custom') return [{ at, path: where, message: issue.message }];
  if (issue.code === 'invalid_type' && typeof value === 'number' && !Number.isFinite(value)) {
    return [{ at, path: where, message: `expected a finite number, got ${describeValue(value)}` }];
  }
  if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
    return [{ at, path: where, message: `${expectationFor(segments, issue)}, got ${describeValue(value)}` }];
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return [
      { at, path: where, message: `expected ${issue.values.length === 1 ? allowed : `one of ${allowed}`}, got ${describeValue(value)}` },
    ];
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    // zod marks exclusive bounds (positive(), gt(), lt()) with inclusive: false.
    const bound =
      issue.code === 'too_small'
        ? `${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`
        : `${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    const what =
      issue.origin === 'array'
        ? `${bound} item${Number(issue.code === 'too_small' ? issue.minimum : issue.maximum) === 1 ? '' : 's'}`
        : bound;
    return [
      { at, path: where, message: issue.message.startsWith('expected') ? issue.message : `expected ${what}, got ${describeValue(value)}` },
    ];
  }
  if (issue.code === 'invalid_format') return [{ at, path: where, message: `${issue.message}, got ${describeValue(value)}` }];
  return [{ at, path: where, message: issue.message }];
}

function valueAt(data: unknown, segments: Segments): unknown {
  let current = data;
  for (const s of segments) current = current && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[s] : undefined;
  return current;
}

/** Valid keys of the mapping at a path, for "did you mean". */
function knownKeys(segments: Segments): string[] {
  const tail = segments.filter((s) => typeof s !== 'number').map(String);
  const last = tail[tail.length - 1];
  const shape = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
  const root = perfFileSchema;
  if (tail.length === 0) return shape(root);
  switch (last) {
    case 'scenarios':
      return shape(root.shape.scenarios.element);
    case 'budgets':
      return [...BUDGET_METRICS];
    case 'tolerance':
      return [...COMPARE_METRICS];
    case 'request':
      return ['method', 'path', 'headers', 'body', 'json', 'expect'];
    case 'expect':
      return ['status', 'json', 'body_contains', 'header'];
    case 'json':
      return ['path', 'equals'];
    case 'mix':
      return ['weight', 'request'];
    case 'tokens':
      return ['file', 'header', 'prefix', 'column'];
    case 'sweep':
      return ['connections'];
    case 'defaults':
      return shape(root.shape.defaults.unwrap());
    case 'compare':
      return shape(root.shape.compare.unwrap());
    case 'resources':
      return ['cpus', 'memory'];
    case 'ready':
      return ['http', 'port', 'log'];
    default:
      return tail[tail.length - 2] === 'services' ? Object.keys(root.shape.services.unwrap().valueType.shape) : [];
  }
}

function requiredHint(name: string): string {
  if (name === 'version') return ' (add version: 1 at the top)';
  if (name === 'path') return ' (e.g. path: /api/v1/posts)';
  if (name === 'scenarios') return ' (a list of scenarios, see docs/config.md)';
  return '';
}

function expectationFor(segments: Segments, issue: z.core.$ZodIssue): string {
  const last = String(segments[segments.length - 1]);
  if (['duration', 'warmup', 'timeout', 'round', 'ready_timeout'].includes(last)) return 'expected a duration like 500ms, 10s or 2m';
  if (last === 'ready') return 'expected a path like /health, { port: true } or { log: "listening" }';
  if (['max_error_rate', 'max_base_cv'].includes(last) || segments.includes('tolerance')) return 'expected a percentage like 5%';
  if (segments.includes('budgets')) return `expected a budget like "<= 500ms"`;
  if (last === 'memory') return 'expected a size like 512m';
  if (issue.code === 'invalid_type') return `expected ${article(issue.expected)}`;
  return 'unexpected value';
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return names[type] ?? type;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // YAML's .inf and .nan (and 1e999) arrive as numbers JSON cannot show.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

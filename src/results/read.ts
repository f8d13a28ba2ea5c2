// Reading a results file back (perfgate compare, run --baseline-file, the report sub-action): parsed with the
// one schema, so what comes back is a RunResult or one clear user error (exit 2) naming the file and the first
// fault's path, e.g. `results.json: scenarios[0].measurement.qps: expected a number, got a string`.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { UsageError } from '../errors.ts';
import type { RunResult } from '../result.ts';
import { runResultSchema } from './schema.ts';

/** A results file that is not one perfgate can read: exit 2, never a stack trace. */
export class InvalidResultsError extends UsageError {
  /** The file as the user named it (or another label for where the JSON came from). */
  readonly label: string;
  /** What is wrong, without the label: `scenarios[0].measurement.qps: expected a number, got a string`. */
  readonly fault: string;
  constructor(label: string, fault: string) {
    super(`${label}: ${fault}`);
    this.name = 'InvalidResultsError';
    this.label = label;
    this.fault = fault;
  }
}

/** The results file does not exist (the report sub-action words this one its own way). */
export class MissingResultsError extends InvalidResultsError {
  constructor(file: string) {
    super(file, `cannot read the results file (no such file); write one with: perfgate run --json ${file}`);
    this.name = 'MissingResultsError';
  }
}

/** The largest results file read: far above any real run (10,000 rounds is a few MB), far below a memory problem. */
export const MAX_RESULTS_BYTES = 50 * 1024 * 1024;

/** Reads `file` (relative to `cwd`) as a results file written by `perfgate run --json`. */
export async function readRunResult(file: string, cwd: string): Promise<RunResult> {
  return parseRunResult(await readResultsJson(file, cwd), file);
}

/**
 * The JSON of a results file, not yet validated: a regular file (never a FIFO or a device that would hang or never
 * end) of at most MAX_RESULTS_BYTES, parsed. Every reader of results files starts here.
 */
export async function readResultsJson(file: string, cwd: string): Promise<unknown> {
  let text: string;
  let handle;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await open(path.resolve(cwd, file), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MissingResultsError(file);
    throw new InvalidResultsError(
      file,
      `cannot read the results file (${code ?? 'unreadable'}); write one with: perfgate run --json ${file}`,
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new InvalidResultsError(file, 'not a regular file; expected a file written by perfgate run --json');
    if (stats.size > MAX_RESULTS_BYTES) {
      throw new InvalidResultsError(file, `it is ${stats.size} bytes, over the ${MAX_RESULTS_BYTES}-byte limit of a results file`);
    }
    text = await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof InvalidResultsError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidResultsError(file, `cannot read the results file (${code ?? 'unreadable'})`);
  } finally {
    await handle.close();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidResultsError(
      file,
      `not valid JSON (${jsonFault((error as Error).message)}); expected a file written by perfgate run --json`,
    );
  }
}

/** Where JSON.parse stopped, without the snippet of the file its message quotes (the file may be hostile). */
function jsonFault(message: string): string {
  if (/Unexpected end of JSON input/i.test(message)) return 'it ends early: a truncated file?';
  const at = /at position \d+(?: \(line \d+ column \d+\))?/.exec(message)?.[0];
  return at ? `a syntax error ${at}` : 'a syntax error';
}

/**
 * Validates parsed JSON as a results file; pure. `label` names where it came from in the message (the file).
 * Unknown keys are dropped; anything else off the contract throws an InvalidResultsError for the first fault.
 */
export function parseRunResult(json: unknown, label: string): RunResult {
  const version =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version === undefined) {
    throw new InvalidResultsError(label, 'not a perfgate results file (no schemaVersion); expected a file written by perfgate run --json');
  }
  if (version !== 1) {
    throw new InvalidResultsError(
      label,
      `schemaVersion ${describeValue(version)} is not one this perfgate reads (it reads schemaVersion 1)`,
    );
  }
  const parsed = runResultSchema.safeParse(json, { error: issueMessage });
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const where = formatPath(first!.path);
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  throw new InvalidResultsError(label, `${where ? `${where}: ` : ''}${first!.message}${more}`);
}

/** `scenarios[0].measurement.qps`; keys that are not identifiers are quoted: `byStatus["2xx"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment)).slice(0, 60)}]`;
  }
  return out;
}

/** A value's kind, never its content (the file may be hostile): "a string", "null", "an array". */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'an integer' : Number.isFinite(value) ? 'a number' : 'a non-finite number';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short, safe rendering of a small value (numbers, short strings) for messages. */
function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && value.length <= 40 && /^[\w .:/-]*$/.test(value)) return JSON.stringify(value);
  return kind(value);
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  nan: 'NaN',
};

function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `missing (expected ${expected})`;
      // An integer's fault shows the number (7.5); any other shows only the kind of value found.
      return `expected ${expected}, got ${issue.expected === 'int' && typeof issue.input === 'number' ? describeValue(issue.input) : kind(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array')
        return `expected at least ${issue.minimum} ${issue.origin === 'string' ? 'characters' : 'items'}`;
      return `expected ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}, got ${describeValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `longer than the ${issue.maximum} characters allowed`;
      if (issue.origin === 'array') return `more than the ${issue.maximum} items allowed`;
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, got ${describeValue(issue.input)}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys
        .slice(0, 3)
        .map((k) => describeValue(k))
        .join(', ')}${issue.keys.length > 3 ? ', …' : ''}`;
    case 'invalid_key':
      return `not a valid key${issue.issues[0] ? ` (${issue.issues[0].message})` : ''}`;
    case 'invalid_format':
      return issue.pattern ? `expected text matching ${issue.pattern}` : `expected ${issue.format}`;
    default:
      return undefined;
  }
}

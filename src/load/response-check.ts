// `expect:` per response: is this answer the right one, not just a fast one? The status is checked on every
// response (it costs nothing); the body and header checks cost the generator CPU (JSON.parse of the body: measured
// 0.6 µs for a 26-byte body, 21 µs for 1.5 kB, on a busy 2-core runner), so past a budget per second they run on a
// fixed share of responses, and the outcomes say how many were left out.
import { isDeepStrictEqual } from 'node:util';
import type { ResponseExpectation, Scenario } from '../config/types.ts';

/** Body and header checks run on every response up to this many per second of the run … */
export const CHECK_ALL_PER_SECOND = 10_000;
/** … and up to this many body characters per second (about 15 ms of one core at the cost above) … */
export const CHECK_CHARS_PER_SECOND = 1_000_000;
/** … then on every this-many-th response for the rest of that second. */
export const CHECK_ONE_IN = 10;
/** Failure samples keep this much of the body. */
const BODY_CHARS = 200;

export interface CheckFailure {
  /** The mix entry (0-based) when the scenario has more than one. */
  request?: number;
  status: number;
  /** Never a header value: those may be secrets. */
  reason: string;
  /** The body's first 200 characters. */
  body: string;
}

/**
 * A response with `expect`: a success (its body and header checks ran, were skipped by sampling, or there are none),
 * an HTTP error by its status (an unexpected 4xx/5xx, counted as without `expect`), or a check failure.
 */
export type Verdict =
  { kind: 'pass'; content: 'checked' | 'skipped' | 'none' } | { kind: 'status' } | { kind: 'check'; failure: CheckFailure };

const PASS_CHECKED: Verdict = { kind: 'pass', content: 'checked' };
const PASS_SKIPPED: Verdict = { kind: 'pass', content: 'skipped' };
const PASS_NONE: Verdict = { kind: 'pass', content: 'none' };
const STATUS: Verdict = { kind: 'status' };

/** Checks a response of mix entry `entry`; undefined = that entry has no `expect` (any 2xx or 3xx is a success). */
export type ResponseChecker = (entry: number, status: number, body: string, rawHeaders: readonly string[]) => Verdict | undefined;

/** The scenario's checker, or undefined when no request has `expect` (then nothing per response changes). */
export function responseChecker(scenario: Scenario, now: () => number = () => performance.now()): ResponseChecker | undefined {
  const expectations = scenario.requests.map((r) => r.request.expect);
  if (expectations.every((e) => e === undefined)) return undefined;
  const mixed = scenario.requests.length > 1;
  const sample = sampler(now);
  return (entry, status, body, rawHeaders) => {
    const expect = expectations[entry];
    if (!expect) return undefined;
    const fail = (reason: string): Verdict => ({
      kind: 'check',
      failure: { ...(mixed ? { request: entry } : {}), status, reason: reason.slice(0, 300), body: body.slice(0, BODY_CHARS) },
    });
    const ordinary = status >= 200 && status < 400;
    if (expect.status) {
      if (!statusExpected(expect.status, status))
        return ordinary ? fail(`status ${status}, expected ${statusText(expect.status)}`) : STATUS;
    } else if (!ordinary) return STATUS;
    if (expect.json === undefined && expect.bodyContains === undefined && expect.header === undefined) return PASS_NONE;
    if (!sample(body.length)) return PASS_SKIPPED;
    const reason = contentProblem(expect, body, rawHeaders);
    return reason === undefined ? PASS_CHECKED : fail(reason);
  };
}

/**
 * In each second of the run: every response until CHECK_ALL_PER_SECOND responses or CHECK_CHARS_PER_SECOND body
 * characters were checked, then one in CHECK_ONE_IN. Deterministic: the same responses in the same seconds are checked.
 */
function sampler(now: () => number): (chars: number) => boolean {
  let second = -1;
  let checked = 0;
  let chars = 0;
  let past = 0;
  return (length) => {
    const s = Math.floor(now() / 1000);
    if (s !== second) {
      second = s;
      checked = chars = past = 0;
    }
    if (checked < CHECK_ALL_PER_SECOND && chars < CHECK_CHARS_PER_SECOND) {
      checked++;
      chars += length;
      return true;
    }
    return past++ % CHECK_ONE_IN === CHECK_ONE_IN - 1;
  };
}

function statusExpected(expected: NonNullable<ResponseExpectation['status']>, status: number): boolean {
  return expected.codes.includes(status) || expected.classes.includes(Math.floor(status / 100));
}

function statusText(expected: NonNullable<ResponseExpectation['status']>): string {
  return [...expected.codes.map(String), ...expected.classes.map((c) => `${c}xx`)].join(' or ');
}

/** Why the body or headers are not what `expect` says; undefined when they are. Never quotes a header value. */
function contentProblem(expect: ResponseExpectation, body: string, rawHeaders: readonly string[]): string | undefined {
  if (expect.header) {
    for (const [name, wanted] of Object.entries(expect.header)) {
      const value = headerValue(rawHeaders, name);
      if (wanted === false) {
        if (value !== undefined) return `header ${name} is present, expected absent`;
      } else if (value === undefined) return `header ${name} is missing`;
      else if (wanted !== true && !headerMatches(value, wanted)) return `header ${name} has another value than expected`;
    }
  }
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    return `body does not contain ${shown(expect.bodyContains)}`;
  }
  if (expect.json) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      return 'body is not JSON';
    }
    const { path, steps, equals } = expect.json;
    let at: unknown = data;
    for (const step of steps) {
      const found =
        typeof step === 'number'
          ? Array.isArray(at) && step < at.length
          : at !== null && typeof at === 'object' && !Array.isArray(at) && Object.hasOwn(at, step);
      if (!found) return `${path} is missing`;
      at = (at as Record<string | number, unknown>)[step];
    }
    if (equals !== undefined && !isDeepStrictEqual(at, equals)) return `${path} is ${shown(at)}, expected ${shown(equals)}`;
  }
  return undefined;
}

function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

/** Equal, or its part before a `;` is (so application/json matches application/json; charset=utf-8). */
function headerMatches(value: string, wanted: string): boolean {
  const v = value.trim();
  return v === wanted || v.split(';', 1)[0]!.trim() === wanted;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

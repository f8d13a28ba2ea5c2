// Errors a user or the environment can cause. Each maps to one exit code and one clear message;
// the CLI prints `message` (never a stack trace). A budget failure is a result, not an error.
import type { SourceLocation } from './config/types.ts';

export const ExitCode = {
  ok: 0,
  fail: 1,
  usage: 2,
  infrastructure: 3,
} as const;

export interface ConfigIssue {
  at: SourceLocation;
  /** Key path, e.g. scenarios[0].budgets.p99 */
  path: string;
  message: string;
}

function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.at.file}:${issue.at.line}:${issue.at.col}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** Invalid perf/*.yaml: exit 2. Carries every issue found, not just the first. */
export class ConfigError extends Error {
  readonly exitCode = ExitCode.usage;
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Bad command line or environment the user controls (missing git ref, unknown scenario): exit 2. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Infrastructure failure (Docker unreachable, container crashed, target refused): exit 3. */
export class InfrastructureError extends Error {
  readonly exitCode = ExitCode.infrastructure;
  /** Log tails of the containers involved, keyed by service name. */
  readonly logs: Record<string, string>;
  constructor(message: string, logs: Record<string, string> = {}) {
    super(message);
    this.name = 'InfrastructureError';
    this.logs = logs;
  }
}

export type PerfgateError = ConfigError | UsageError | InfrastructureError;

/** The first line of an error's message (or of any value's text), for one-line summaries. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export function isPerfgateError(error: unknown): error is PerfgateError {
  return error instanceof ConfigError || error instanceof UsageError || error instanceof InfrastructureError;
}

// Runs the perfgate CLI as a user would (bin/perfgate.js in a child process) and collects its output.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface CliRun {
  child: ChildProcess;
  /** Resolves when stderr has printed a line matching `pattern` (event-driven, no polling). */
  waitForStderr(pattern: RegExp): Promise<string>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const bin = path.resolve('bin/perfgate.js');

export function startCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const waiter of [...waiters]) {
      const line = stderr.split('\n').find((l) => waiter.pattern.test(l));
      if (line) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const waiter of waiters) waiter.resolve('');
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitForStderr: (pattern) =>
      new Promise((resolve) => {
        const line = stderr.split('\n').find((l) => pattern.test(l));
        if (line) resolve(line);
        else waiters.push({ pattern, resolve });
      }),
  };
}

export async function runCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }) {
  return startCli(args, options).done;
}

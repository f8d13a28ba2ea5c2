// The one git runner: argument arrays (never a shell), trimmed stdout, stderr in the error.
import { execFile } from 'node:child_process';

export function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/** The top-level directory of the checkout `cwd` is in; undefined outside a git checkout. */
export function gitTopLevel(cwd: string): Promise<string | undefined> {
  return git(['rev-parse', '--show-toplevel'], cwd).catch(() => undefined);
}

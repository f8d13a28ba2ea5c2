// The history branch's git plumbing: argument arrays (never a shell), optional stdin and environment (a temporary
// index), stderr in the error with any URL credentials redacted. Nothing here touches the working tree, the index
// of the checkout or the checked-out branch: objects are written, a tree is built in a temporary index, a commit
// is made with commit-tree and refs are moved with update-ref (compare-and-swap) and push.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redactUrls } from '../report/redact.ts';

export interface GitOptions {
  cwd: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export class GitError extends Error {
  readonly stderr: string;
  constructor(args: string[], stderr: string) {
    super(redactUrls(`git ${args.join(' ')}: ${stderr}`));
    this.name = 'GitError';
    this.stderr = redactUrls(stderr);
  }
}

export function git(args: string[], { cwd, input, env }: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    // No prompt for credentials: a push or fetch without them fails at once instead of waiting on a terminal.
    const childEnv = { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' };
    const child = spawn('git', args, { cwd, env: childEnv, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => stdout.push(d));
    child.stderr!.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (error) => reject(new GitError(args, error.message)));
    child.on('close', (code) => {
      const err = Buffer.concat(stderr).toString('utf8').trim();
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8').replace(/\n$/, ''));
      else reject(new GitError(args, err || `exit code ${code}`));
    });
    if (input !== undefined) {
      // A git that exits before reading all of it (an error) closes the pipe: its exit code tells what happened.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}

/** The commit a ref points at, or undefined when the ref does not exist. */
export async function resolveRef(ref: string, cwd: string): Promise<string | undefined> {
  return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd }).catch(() => undefined);
}

/** Whether `remote` is a configured remote of the repository at cwd. */
export async function hasRemote(remote: string, cwd: string): Promise<boolean> {
  const remotes = await git(['remote'], { cwd });
  return remotes.split('\n').includes(remote);
}

/** Runs `body` with a temporary index file (GIT_INDEX_FILE), removed afterwards. */
export async function withTemporaryIndex<T>(body: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-index-'));
  try {
    return await body({ GIT_INDEX_FILE: path.join(dir, 'index') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The commit checked out at cwd; undefined outside a repository or before the first commit. */
export function headCommit(cwd: string): Promise<string | undefined> {
  return resolveRef('HEAD', cwd);
}

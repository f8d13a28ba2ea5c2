// The base commit, checked out beside the work tree as a temporary `git worktree` and removed afterwards.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Log } from '../log.ts';
import { git } from './git.ts';

export interface Worktree {
  path: string;
  /** Idempotent; also prunes git's record of it. */
  remove(): Promise<void>;
}

export async function checkoutWorktree(sha: string, cwd: string, log: Log): Promise<Worktree> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'perfgate-base-'));
  const dir = path.join(parent, 'base');
  log.info(`checking out the base ${sha.slice(0, 12)} into a temporary worktree`);
  await git(['worktree', 'add', '--detach', '--force', dir, sha], cwd);
  let removed = false;
  return {
    path: dir,
    async remove() {
      if (removed) return;
      removed = true;
      await git(['worktree', 'remove', '--force', dir], cwd).catch(() => undefined);
      await rm(parent, { recursive: true, force: true });
      await git(['worktree', 'prune'], cwd).catch(() => undefined);
    },
  };
}

/** The head's build context, as the same path inside the base tree. */
export function rebaseBuildContext(headContext: string, repoRoot: string, worktree: string): string {
  const relative = path.relative(repoRoot, headContext);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return headContext;
  return path.join(worktree, relative);
}

/** Why the base cannot be built, or undefined. */
export function baseBuildProblem(context: string, dockerfile: string): string | undefined {
  if (!existsSync(context)) return `its build context ${path.basename(context)}/ does not exist yet`;
  if (!existsSync(path.join(context, dockerfile))) return `it has no ${dockerfile} yet`;
  return undefined;
}

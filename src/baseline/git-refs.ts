// Which commits are compared: HEAD, and the merge-base of HEAD and the base ref.
import { UsageError } from '../errors.ts';
import { git } from './git.ts';

export interface Commit {
  ref: string;
  sha: string;
}

export async function headInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Commit> {
  const sha = await git(['rev-parse', 'HEAD'], cwd);
  const branch = await git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd).catch(() => 'HEAD');
  return { ref: env.GITHUB_HEAD_REF || (branch !== 'HEAD' ? branch : 'HEAD'), sha };
}

/** In GitHub Actions on a pull request, the PR's base branch; elsewhere no default (no comparison). */
export function defaultBaseRef(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_ACTIONS === 'true' && env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined;
}

const FETCH_HINT =
  'Fetch it first (git fetch origin <branch>), or in GitHub Actions check out with fetch-depth: 0 ' +
  '(actions/checkout with: fetch-depth: 0).';

/** The merge-base of HEAD and `ref`: what the pull request's changes are measured against. */
export async function resolveBase(ref: string, cwd: string): Promise<Commit> {
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  } catch {
    throw new UsageError(`The base ref "${ref}" is not in this clone. ${FETCH_HINT}`);
  }
  try {
    return { ref, sha: await git(['merge-base', 'HEAD', ref], cwd) };
  } catch {
    const shallow = await git(['rev-parse', '--is-shallow-repository'], cwd).catch(() => 'false');
    throw new UsageError(
      shallow === 'true'
        ? `HEAD and "${ref}" have no common commit in this shallow clone. ${FETCH_HINT}`
        : `HEAD and "${ref}" have no common history, so there is nothing to compare against.`,
    );
  }
}

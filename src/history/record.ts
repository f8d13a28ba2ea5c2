// Recording a run on the history branch (perfgate run --record; the Action's `record: true` on pushes to the
// default branch): the run's summary appended to history.jsonl as one line per scenario, committed onto the branch
// with plumbing only (hash-object, a temporary index, commit-tree, update-ref), and pushed. A rejected push (another
// run got there first) fetches the new tip, appends the same lines onto it and pushes again, a bounded number of
// times: the branch only ever moves forward, so nothing recorded is rewritten or lost. Without the remote the
// branch is local only, and the caller is told so.
import packageJson from '../../package.json' with { type: 'json' };
import { InfrastructureError, UsageError } from '../errors.ts';
import type { RunResult } from '../result.ts';
import { git, GitError, hasRemote, resolveRef, withTemporaryIndex } from './git.ts';
import { HISTORY_METRICS, serializeHistoryLine, type HistoryLine, type Runner } from './schema.ts';

export const HISTORY_FILE = 'history.jsonl';
export const DEFAULT_HISTORY_BRANCH = 'perfgate-history';
export const DEFAULT_REMOTE = 'origin';
/** Pushes tried before giving up: each rejected one means another run landed first, and this one goes on top. */
const MAX_PUSH_ATTEMPTS = 6;

const IDENTITY = {
  GIT_AUTHOR_NAME: 'perfgate',
  GIT_AUTHOR_EMAIL: 'perfgate@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'perfgate',
  GIT_COMMITTER_EMAIL: 'perfgate@users.noreply.github.com',
};

/** The runner a result was measured on, as a history line keys it (the OS without its kernel release). */
export function runnerOf(environment: RunResult['environment']): Runner {
  return { platform: environment.platform.split(' ')[0] ?? environment.platform, cpus: environment.cpus, cpuModel: environment.cpuModel };
}

/**
 * The history lines of a run measured at commit `sha`: one per scenario that was measured (a scenario that could
 * not be is left out). An interrupted run's results are partial and give none.
 */
export function historyLinesOf(result: RunResult, sha: string): HistoryLine[] {
  if (result.interrupted) return [];
  const runner = runnerOf(result.environment);
  const lines: HistoryLine[] = [];
  for (const scenario of result.scenarios) {
    if (scenario.error) continue;
    const metrics: HistoryLine['metrics'] = {};
    for (const metric of HISTORY_METRICS) {
      const value = scenario.metrics[metric];
      if (value !== undefined && Number.isFinite(value)) metrics[metric] = value;
    }
    const headRounds = (scenario.rounds ?? []).filter((r) => r.arm === 'head').sort((a, b) => a.index - b.index);
    const rounds: NonNullable<HistoryLine['rounds']> = {};
    if (headRounds.length > 0) {
      for (const metric of ['qps', 'p50', 'p99'] as const) {
        const values = headRounds.map((r) => r.metrics[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
        if (values.length > 0) rounds[metric] = values;
      }
    }
    lines.push({
      v: 1,
      sha,
      time: result.finishedAt || result.startedAt,
      runner,
      scenario: scenario.name,
      connections: scenario.connections,
      metrics,
      ...(Object.keys(rounds).length > 0 ? { rounds } : {}),
      tool: packageJson.version,
    });
  }
  return lines;
}

export interface RecordOptions {
  /** A directory inside the repository. */
  cwd: string;
  branch?: string;
  remote?: string;
  lines: HistoryLine[];
  /** What happened, in a line each (pushed, retried, local only). */
  info?: (message: string) => void;
  /** Called after the commit is made and before each push (tests line up two racing recordings here). */
  beforePush?: (attempt: number) => Promise<void>;
}

export interface Recorded {
  /** The history branch's new commit. */
  commit: string;
  /** False when there is no remote: the local branch only. */
  pushed: boolean;
  /** Pushes tried (1 when nothing raced). */
  attempts: number;
  /** history.jsonl as recorded: the branch's lines with this run's last. */
  content: string;
}

/** A branch name git accepts for the history branch; else a usage error. */
export async function checkBranchName(branch: string, cwd: string): Promise<void> {
  const valid =
    branch !== '' &&
    !branch.startsWith('-') &&
    (await git(['check-ref-format', '--branch', branch], { cwd }).then(
      () => true,
      () => false,
    ));
  if (!valid) throw new UsageError(`"${branch}" is not a valid branch name for the history branch`);
}

/** The repository's top level; a usage error outside one. */
export async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return await git(['rev-parse', '--show-toplevel'], { cwd });
  } catch {
    throw new UsageError(`${cwd} is not inside a git repository: the history lives on a branch of the repository`);
  }
}

/** Appends `lines` to history.jsonl on the history branch, and pushes it to the remote when there is one. */
export async function recordHistory(options: RecordOptions): Promise<Recorded> {
  const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
  const remote = options.remote ?? DEFAULT_REMOTE;
  const info = options.info ?? (() => undefined);
  const cwd = await repositoryRoot(options.cwd);
  await checkBranchName(branch, cwd);
  const checkedOut = await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd }).catch(() => '');
  if (checkedOut === branch) throw new UsageError(`the history branch ${branch} is the checked-out branch; record from another branch`);
  const localRef = `refs/heads/${branch}`;
  const content = options.lines.map(serializeHistoryLine).join('\n');
  const message = `perfgate: ${options.lines.length} line${options.lines.length === 1 ? '' : 's'}${shaWords(options.lines)}`;

  if (!(await hasRemote(remote, cwd))) {
    const tip = await resolveRef(localRef, cwd);
    const { commit, joined } = await appendCommit(cwd, tip, content, message);
    await git(['update-ref', '-m', 'perfgate history', localRef, commit, tip ?? ZERO], { cwd });
    info(`no remote "${remote}": recorded on the local branch ${branch} only (nothing pushed)`);
    return { commit, pushed: false, attempts: 0, content: joined };
  }

  const trackingRef = `refs/remotes/${remote}/${branch}`;
  let tip = await fetchTip(cwd, remote, branch, trackingRef);
  // The remote has no branch yet: start from the local one when there is one (lines recorded before a remote).
  if (!tip) tip = await resolveRef(localRef, cwd);
  for (let attempt = 1; ; attempt++) {
    const { commit, joined } = await appendCommit(cwd, tip, content, message);
    await options.beforePush?.(attempt);
    try {
      await git(['push', '--quiet', remote, `${commit}:${localRef}`], { cwd });
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      const moved = await fetchTip(cwd, remote, branch, trackingRef).catch(() => tip);
      const raced = moved !== tip || /cannot lock ref|failed to lock|incorrect old value/i.test(error.stderr);
      if (!raced || attempt >= MAX_PUSH_ATTEMPTS) {
        throw new InfrastructureError(
          `could not push the history branch ${branch} to ${remote}${raced ? ` after ${attempt} attempts` : ''}: ${error.stderr}`,
        );
      }
      info(`the push of ${branch} was rejected (another run recorded first): appending onto the new tip and pushing again`);
      tip = moved;
      continue;
    }
    await git(['update-ref', '-m', 'perfgate history', trackingRef, commit], { cwd });
    // The local branch follows when it can move forward (it may hold lines of its own, which are kept).
    const local = await resolveRef(localRef, cwd);
    if (!local || (await isAncestor(cwd, local, commit))) await git(['update-ref', '-m', 'perfgate history', localRef, commit], { cwd });
    info(`recorded ${options.lines.length} line${options.lines.length === 1 ? '' : 's'} on ${branch} and pushed to ${remote}`);
    return { commit, pushed: true, attempts: attempt, content: joined };
  }
}

const ZERO = '0'.repeat(40);

function shaWords(lines: HistoryLine[]): string {
  const shas = [...new Set(lines.map((l) => l.sha.slice(0, 7)))];
  return shas.length > 0 ? ` for ${shas.join(', ')}` : '';
}

async function isAncestor(cwd: string, ancestor: string, commit: string): Promise<boolean> {
  return git(['merge-base', '--is-ancestor', ancestor, commit], { cwd }).then(
    () => true,
    () => false,
  );
}

/** The remote branch's commit, fetched into `trackingRef`; undefined when the remote has no such branch. */
export async function fetchTip(cwd: string, remote: string, branch: string, trackingRef: string): Promise<string | undefined> {
  const listed = await git(['ls-remote', '--heads', remote, `refs/heads/${branch}`], { cwd });
  if (listed.trim() === '') return undefined;
  await git(['fetch', '--quiet', '--no-tags', remote, `+refs/heads/${branch}:${trackingRef}`], { cwd });
  return resolveRef(trackingRef, cwd);
}

/** A commit on top of `tip` whose history.jsonl is tip's with `content` appended; the rest of tip's tree kept. */
async function appendCommit(
  cwd: string,
  tip: string | undefined,
  content: string,
  message: string,
): Promise<{ commit: string; joined: string }> {
  const existing = tip ? await git(['cat-file', 'blob', `${tip}:${HISTORY_FILE}`], { cwd }).catch(() => '') : '';
  const joined = existing === '' ? `${content}\n` : `${existing.replace(/\n*$/, '')}\n${content}\n`;
  const blob = await git(['hash-object', '-w', '--stdin'], { cwd, input: joined });
  return withTemporaryIndex(async (env) => {
    await git(tip ? ['read-tree', tip] : ['read-tree', '--empty'], { cwd, env });
    await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${HISTORY_FILE}`], { cwd, env });
    const tree = await git(['write-tree'], { cwd, env });
    const commit = await git(['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message], { cwd, env: { ...env, ...IDENTITY } });
    return { commit, joined };
  });
}

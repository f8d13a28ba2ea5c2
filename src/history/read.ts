// Reading the history branch, read-only: the remote's branch fetched into its remote-tracking ref (never the
// checkout, never the local branch), or the local branch when there is no remote, and history.jsonl parsed.
import { UsageError } from '../errors.ts';
import { git, hasRemote, resolveRef } from './git.ts';
import { checkBranchName, DEFAULT_HISTORY_BRANCH, DEFAULT_REMOTE, fetchTip, HISTORY_FILE, repositoryRoot } from './record.ts';
import { parseHistory, type HistoryLine } from './schema.ts';

export interface HistoryRead {
  lines: HistoryLine[];
  /** Lines that could not be read (not JSON, or not a history line): skipped, and said so. */
  skipped: number;
  /** Where it was read: "perfgate-history on origin" or "the local branch perfgate-history". */
  source: string;
}

export interface ReadOptions {
  cwd: string;
  branch?: string;
  remote?: string;
}

/** The history branch's lines; undefined when there is no such branch (on the remote, or locally without one). */
export async function readHistory(options: ReadOptions): Promise<HistoryRead | undefined> {
  const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
  const remote = options.remote ?? DEFAULT_REMOTE;
  const cwd = await repositoryRoot(options.cwd);
  await checkBranchName(branch, cwd);
  let tip: string | undefined;
  let source: string;
  if (await hasRemote(remote, cwd)) {
    tip = await fetchTip(cwd, remote, branch, `refs/remotes/${remote}/${branch}`);
    source = `${branch} on ${remote}`;
  } else {
    tip = await resolveRef(`refs/heads/${branch}`, cwd);
    source = `the local branch ${branch}`;
  }
  if (!tip) return undefined;
  let content: string;
  try {
    content = await git(['cat-file', 'blob', `${tip}:${HISTORY_FILE}`], { cwd });
  } catch {
    throw new UsageError(`${source} has no ${HISTORY_FILE}: it is not a perfgate history branch (pass --history-branch)`);
  }
  return { ...parseHistory(content), source };
}

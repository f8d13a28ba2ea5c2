// Step 2, start: what load goes to. The head is the running target (checked to answer) or the stack perfgate
// starts; for a comparison the base commit is checked out in a worktree and its stack started beside it.
// cleanUp stops whatever was started. The stack and worktree modules load only when needed (Docker's libraries
// are heavy, and a run against a target never touches them).
import type { Commit } from '../baseline/git-refs.ts';
import { gitTopLevel } from '../baseline/git.ts';
import type { Diagnose, Services } from '../config/types.ts';
import { firstLine, InfrastructureError } from '../errors.ts';
import { probeTarget } from '../load/probe.ts';
import type { Log } from '../log.ts';
import { redactUrls } from '../report/redact.ts';
import type { CounterReader } from '../services/diagnosis.ts';
import type { StartedStack } from '../services/stack.ts';
import type { HeadArm, RunOptions } from './options.ts';

/** How stacks start: labelled with the run's id, stopped early by the signal, left running with keep. */
export type StartControl = Pick<RunOptions, 'signal' | 'keep'> & { runId: string };

/** The base's stack, or why the comparison is skipped; its worktree to remove either way. */
export interface BaseArm {
  stack?: StartedStack;
  skipped?: string;
  removeWorktree?: () => Promise<void>;
}

/** What a run must stop when it ends. */
export interface Started {
  stacks: StartedStack[];
  /** diagnose:'s connections to a running target's Postgres and Redis. */
  counters?: CounterReader;
  removeWorktree?: () => Promise<void>;
  /** The generator's container (#14), attached to the stacks' networks. */
  generator?: { stop(): Promise<void> };
}

/** The head: checks that the running target answers (InfrastructureError if not), or starts its stack. */
export async function startHead(
  under: { target?: string; services?: Services; diagnose?: Diagnose },
  control: StartControl,
  log: Log,
): Promise<HeadArm> {
  if (under.target) {
    const probe = await probeTarget(under.target, { deadlineMs: 5000, signal: control.signal });
    // Interrupted: nothing is known about the target; the run ends as interrupted (exit 130).
    if (probe.outcome === 'unreachable') {
      throw new InfrastructureError(
        `The target ${redactUrls(under.target)} is not reachable: ${probe.reason}.\n` +
          'Start the service first, or declare it under services: so perfgate starts it.',
      );
    }
    if (!under.diagnose) return { origin: under.target };
    // Its own Postgres and Redis, when named: connected to now, so a problem is said before any load.
    const { openTargetCounters } = await import('../services/diagnose-target.ts');
    const counters = await openTargetCounters(under.diagnose, log);
    return { origin: under.target, ...(counters ? { counters } : {}) };
  }
  const { startStack } = await import('../services/stack.ts');
  const stack = await log.group('Starting the services (head)', () =>
    startStack({ services: under.services!, runId: control.runId, arm: 'head', log, signal: control.signal, keep: control.keep }),
  );
  return { origin: stack.origin, stack };
}

/**
 * A calibration's second arm: the head's services started again from the same working tree (no worktree: an A/A
 * must run the very code the head runs, uncommitted changes included), labelled as the base.
 */
export async function startTwin(services: Services, control: StartControl, log: Log): Promise<StartedStack> {
  const { startStack } = await import('../services/stack.ts');
  return log.group('Starting the services again (the same code, as the base arm)', () =>
    startStack({ services, runId: control.runId, arm: 'base', log, signal: control.signal, keep: control.keep }),
  );
}

/**
 * The base: its commit checked out in a worktree and its stack started. A base that cannot be built or
 * started skips the comparison (said in the log; the budgets still apply) rather than failing the run.
 */
export async function startBase(
  under: { base: Commit; services: Services; cwd: string },
  control: StartControl,
  log: Log,
): Promise<BaseArm> {
  const started = await startBaseStack(under, control, log);
  if (!started.stack) log.warn(`comparison skipped: ${started.skipped}; the budgets still apply`);
  return started;
}

async function startBaseStack(
  { base, services, cwd }: { base: Commit; services: Services; cwd: string },
  control: StartControl,
  log: Log,
): Promise<BaseArm> {
  const { checkoutWorktree, rebaseBuildContext, baseBuildProblem } = await import('../baseline/worktree.ts');
  const { startStack } = await import('../services/stack.ts');
  const repoRoot = (await gitTopLevel(cwd)) ?? cwd;
  const worktree = await checkoutWorktree(base.sha, cwd, log);
  const app = services.app;
  let buildContext: string | undefined;
  if (app.build) {
    buildContext = rebaseBuildContext(app.build.context, repoRoot, worktree.path);
    const problem = baseBuildProblem(buildContext, app.build.dockerfile);
    if (problem) return { skipped: `the base (${base.ref}) cannot be built: ${problem}`, removeWorktree: worktree.remove };
  }
  try {
    const stack = await log.group(`Starting the services (base ${base.ref} @ ${base.sha.slice(0, 8)})`, () =>
      startStack({ services, runId: control.runId, arm: 'base', buildContext, log, signal: control.signal, keep: control.keep }),
    );
    return { stack, removeWorktree: worktree.remove };
  } catch (error) {
    if (!(error instanceof InfrastructureError) || control.signal?.aborted) {
      await worktree.remove();
      throw error;
    }
    const tail = Object.entries(error.logs)
      .map(([name, text]) => `--- ${name} ---\n${text}`)
      .join('\n');
    if (tail) log.info(tail);
    return { skipped: `the base (${base.ref}) could not be started: ${firstLine(error)}`, removeWorktree: worktree.remove };
  }
}

/**
 * Stops the generator, then every stack, and removes the worktree; a failure there is a warning, never the run's
 * outcome. The generator goes first: a network a container is still attached to cannot be removed.
 */
export async function cleanUp({ stacks, removeWorktree, generator, counters }: Started, log: Log): Promise<void> {
  const first = await Promise.allSettled(generator ? [generator.stop()] : []);
  const results = [
    ...first,
    ...(await Promise.allSettled([
      ...stacks.map((s) => s.stop()),
      ...(removeWorktree ? [removeWorktree()] : []),
      ...(counters?.close ? [counters.close()] : []),
    ])),
  ];
  for (const r of results) {
    if (r.status === 'rejected') log.warn(`cleanup: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  }
}

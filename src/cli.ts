// `perfgate` on the command line: the same pipeline as the action, with a terminal table and exit codes
// 0 pass, 1 fail (budget or regression), 2 config/usage error, 3 infrastructure error, 130 SIGINT, 143 SIGTERM.
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { DEFAULT_COMPARE, ListedConfigError, loadConfig } from './config/load.ts';
import { ConfigError, ExitCode, isPerfgateError, InfrastructureError } from './errors.ts';
import { GENERATOR_SETTINGS, type GeneratorSetting } from './generator/placement.ts';
import { consoleLog, type Log } from './log.ts';
import type { LoadProgress } from './load/run-load.ts';
import {
  calibratePerfgate,
  compareSavedRuns,
  EXIT_INTERRUPTED,
  exitCodeFor,
  interruptedBy,
  runExitCode,
  runPerfgate,
  type RunOptions,
} from './run.ts';
import { renderCalibration } from './report/calibration.ts';
import { redactUrls } from './report/redact.ts';
import { renderTerminal } from './report/terminal.ts';
import { parsePart, type Part } from './scale-out/shard.ts';
import { writeOutputs } from './report/write-outputs.ts';

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });

const EXAMPLES = `
Examples:
  perfgate init                             write perf/perf.yaml and the workflows for the Dockerfile here
  perfgate validate                         check perf/*.yaml
  perfgate run                              run every scenario in perf/ and check its budgets
  perfgate run --target http://127.0.0.1:8080 --scenario "list posts"
  perfgate run --base origin/main           also compare with the merge-base of HEAD and origin/main
  perfgate run --json results.json --markdown report.md --csv metrics.csv --html report.html
  perfgate compare base.json head.json      compare two saved runs (unpaired, weak evidence)
  perfgate run --shard 2/3 --json r2.json   one job of a matrix: shard 2 of 3 (or --pool 2/3: the same scenarios, own pairs)
  perfgate merge r1.json r2.json r3.json --markdown report.md   one verdict over the matrix's results
  perfgate calibrate                        A/A on this runner → perf/calibration.json (compare.calibration)
  perfgate run --record                     on main: append the run to the history branch (perfgate-history)
  perfgate history --metric qps             the history's trend and change points (--csv for every run)
  perfgate cleanup                          remove containers left by a killed run

Exit codes: 0 all budgets hold and no regression; 1 a budget failed or a metric regressed
(or inconclusive with --fail-on-inconclusive); 2 config or usage error; 3 infrastructure error
(Docker or the target unreachable, a container crashed); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM):
containers removed, partial results written.
Docs: docs/config.md, docs/statistics.md, docs/services.md, docs/github-action.md`;

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const log = consoleLog(io.stderr);
  let exitCode: number = ExitCode.ok;
  const program = new Command('perfgate')
    .description('Gate pull requests on the performance of HTTP services.')
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError('(run perfgate --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', EXAMPLES);

  program
    .command('run')
    .description('start the services (or use --target), run the scenarios, check the budgets, compare with a base')
    .argument('[paths...]', 'perf YAML files or directories', ['perf'])
    .option('--target <url>', 'load this running service instead of the YAML target/services')
    .option('--scenario <name>', 'run only this scenario (repeatable)', collect, [] as string[])
    .option('--base <ref>', 'compare with the merge-base of HEAD and this git ref ("none" = budgets only)')
    .option('--baseline-file <file>', 'compare with a saved results JSON (unpaired, weak evidence)')
    .option('--pairs <n>', 'the most interleaved pairs per scenario (sequential: stops once every metric is decided)', toInt)
    .option('--fail-on-inconclusive', 'exit 1 when the verdict is inconclusive', false)
    .option('--json <file>', 'write the results JSON')
    .option('--markdown <file>', 'write a markdown report (PR comment format)')
    .option('--csv <file>', 'write the metrics as CSV, one row per scenario')
    .option('--html <file>', 'write a self-contained HTML report with charts (no script, no network needed to open it)')
    .option('--keep', 'leave the containers running (remove them later with perfgate cleanup)', false)
    .option('--record', "append this run's summary to the history branch and push it (on the main branch)", false)
    .option(
      '--history-branch <name>',
      'the history branch: recorded on with --record, else read into a compared run (default perfgate-history)',
    )
    .addOption(generatorOption())
    .option(
      '--shard <i/n>',
      'a matrix job: run only shard i of n (a stable split by expected time); merge the results with perfgate merge',
      toPart,
    )
    .option('--pool <i/n>', 'a matrix job: runner i of n, the same scenarios with pairs of its own; perfgate merge pools the pairs', toPart)
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'tty', 'plain', 'off']).default('auto'))
    .action(async (paths: string[], opts) => {
      exitCode = await runCommand(paths, opts, io, log);
    });

  program
    .command('calibrate')
    .description("measure this runner's noise: an A/A comparison (the same code in both arms) → the tolerances it allows, in a file")
    .argument('[paths...]', 'perf YAML files or directories', ['perf'])
    .option('--out <file>', 'where to write the calibration (default: calibration.json beside the first perf file)')
    .option('--pairs <n>', "interleaved pairs per scenario, every one measured (default: the config's most pairs)", toInt)
    .option('--keep', 'leave the containers running (remove them later with perfgate cleanup)', false)
    .addOption(generatorOption())
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'tty', 'plain', 'off']).default('auto'))
    .action(async (paths: string[], opts) => {
      exitCode = await calibrateCommand(paths, opts, io, log);
    });

  program
    .command('validate')
    .description('check perf YAML files without running anything')
    .argument('[paths...]', 'perf YAML files or directories', ['perf'])
    .action(async (paths: string[]) => {
      const config = await loadConfig(paths, { cwd: io.cwd, env: io.env, resolveEnv: false });
      const budgets = config.scenarios.reduce((n, s) => n + s.budgets.length, 0);
      io.stdout.write(
        `${config.files.join(', ')}: valid (${config.scenarios.length} scenario${config.scenarios.length === 1 ? '' : 's'}, ${budgets} budget${budgets === 1 ? '' : 's'})\n`,
      );
    });

  program
    .command('compare')
    .description('compare two saved runs (perfgate run --json): unpaired, weak evidence across machines or times')
    .argument('<base>', 'results JSON of the base')
    .argument('<head>', 'results JSON of the head')
    .option('--json <file>', 'write the comparison as results JSON')
    .option('--markdown <file>', 'write a markdown report')
    .option('--csv <file>', 'write the metrics as CSV')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .option('--fail-on-inconclusive', 'exit 1 when the verdict is inconclusive', false)
    .action(async (baseFile: string, headFile: string, opts) => {
      // The same defaults as compare: in a perf file (saved runs carry no settings of their own).
      const result = await compareSavedRuns(baseFile, headFile, io.cwd, { ...DEFAULT_COMPARE, metrics: [...DEFAULT_COMPARE.metrics] });
      await writeOutputs(result, { json: opts.json, markdown: opts.markdown, csv: opts.csv, html: opts.html });
      io.stdout.write(renderTerminal(result, { color: Boolean(io.stdout.isTTY) }));
      log.warn('runs from different machines or times are weak evidence; perfgate run --base measures both here, interleaved');
      exitCode = exitCodeFor(result, opts.failOnInconclusive);
    });

  program
    .command('merge')
    .description("one result from a matrix's results files (run --shard / --pool): decided again over all of them, one verdict")
    .argument('<files...>', 'the results JSON of every shard and pool member')
    .option('--json <file>', 'write the merged results JSON (the report sub-action reads it)')
    .option('--markdown <file>', 'write a markdown report (PR comment format)')
    .option('--csv <file>', 'write the metrics as CSV')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .option('--fail-on-inconclusive', 'exit 1 when the verdict is inconclusive', false)
    .action(async (files: string[], opts) => {
      const { mergeResultFiles } = await import('./scale-out/command.ts');
      const result = await mergeResultFiles(files, io.cwd);
      await writeOutputs(result, { json: opts.json, markdown: opts.markdown, csv: opts.csv, html: opts.html });
      io.stdout.write(renderTerminal(result, { color: Boolean(io.stdout.isTTY) }));
      exitCode = runExitCode(result, { failOnInconclusive: opts.failOnInconclusive });
    });

  program
    .command('history')
    .description("the main branch's recorded runs (perfgate run --record): a trend per scenario and metric, and its change points")
    .option('--scenario <name>', 'only this scenario (repeatable)', collect, [] as string[])
    .option('--metric <name>', 'qps, p50, p99, error_rate or failure_rate (repeatable; default qps and p99)', collect, [] as string[])
    .option('--csv <file>', 'write every recorded run as CSV, one row per run and scenario')
    .option('--last <n>', 'runs shown per series', toInt, 20)
    .option('--history-branch <name>', 'the history branch', 'perfgate-history')
    .option('--remote <name>', 'the remote it is fetched from (without it, the local branch)', 'origin')
    .action(async (opts: { scenario: string[]; metric: string[]; csv?: string; last: number; historyBranch: string; remote: string }) => {
      const { historyCommand } = await import('./history/command.ts');
      const { text, warnings } = await historyCommand({
        cwd: io.cwd,
        branch: opts.historyBranch,
        remote: opts.remote,
        scenarios: opts.scenario,
        metrics: opts.metric,
        csv: opts.csv,
        last: opts.last,
      });
      for (const warning of warnings) log.warn(warning);
      io.stdout.write(text);
    });

  program
    .command('init')
    .description('write a starting point: perf/perf.yaml from the Dockerfile (port, Postgres, Redis, routes) and the GitHub workflows')
    .argument('[dir]', 'the directory with the Dockerfile', '.')
    .option('--target <url>', 'without a Dockerfile: a perf file that loads this running service')
    .action(async (dir: string, opts: { target?: string }) => {
      const { runInit } = await import('./init/run-init.ts');
      const lines = await runInit({ dir, cwd: io.cwd, target: opts.target });
      io.stdout.write(`${lines.join('\n')}\n`);
    });

  // The generator's end inside a Docker engine (#14): the runner execs it in the generator's container.
  program
    .command('generate', { hidden: true })
    .description('run one window of load from a spec on stdin, the measurement as JSON lines on stdout (internal)')
    .action(async () => {
      const { generate } = await import('./generator/generate-command.ts');
      await generate(process.stdin, process.stdout);
    });

  program
    .command('cleanup')
    .description('remove every container, network and image a perfgate run left behind (after a kill -9)')
    .option('--run <id>', 'only this run id')
    .action(async (opts) => {
      const { cleanupLeftovers } = await import('./services/cleanup.ts');
      const removed = await cleanupLeftovers(opts.run ? { runId: opts.run } : undefined);
      io.stdout.write(`removed ${removed.containers} containers, ${removed.networks} networks, ${removed.images} images\n`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io, log);
  }
}

/** `perfgate run`'s flags as commander parses them (see the options above): the run's options, named as there. */
type RunFlags = Pick<
  RunOptions,
  'target' | 'base' | 'baselineFile' | 'pairs' | 'failOnInconclusive' | 'keep' | 'json' | 'markdown' | 'csv' | 'html'
> & {
  scenario?: string[];
  progress: string;
  record?: boolean;
  historyBranch?: string;
  shard?: Part;
  pool?: Part;
  generator?: GeneratorSetting;
};

/**
 * Runs `body` with SIGINT/SIGTERM turned into an abort (a second signal exits at once) and a progress line whose
 * log clears it before writing.
 */
async function interruptible(
  mode: string,
  io: Io,
  log: Log,
  stopping: string,
  body: (signal: AbortSignal, progress: ReturnType<typeof progressPrinter>, log: Log) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.stderr.write(`${signal} again: exiting without cleanup; run perfgate cleanup to remove leftovers\n`);
      process.exit(EXIT_INTERRUPTED[signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT']);
    }
    io.stderr.write(`\n${signal}: ${stopping}…\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = progressPrinter(mode, io);
  try {
    return await body(controller.signal, progress, {
      ...log,
      info: (m) => (progress.clear(), log.info(m)),
      warn: (m) => (progress.clear(), log.warn(m)),
    });
  } catch (error) {
    const interrupted = interruptedBy(controller.signal);
    if (!interrupted) throw error;
    // What broke once a signal came (a start cut short) is the interruption's doing, not an error of its own.
    progress.clear();
    io.stderr.write(`perfgate: interrupted by ${interrupted}\n`);
    return EXIT_INTERRUPTED[interrupted];
  } finally {
    progress.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `perfgate calibrate`'s flags as commander parses them. */
interface CalibrateFlags {
  generator?: GeneratorSetting;
  out?: string;
  pairs?: number;
  keep?: boolean;
  progress: string;
}

async function calibrateCommand(paths: string[], opts: CalibrateFlags, io: Io, log: Log): Promise<number> {
  return interruptible(opts.progress, io, log, 'stopping and cleaning up (nothing is written)', async (signal, progress, quiet) => {
    const outcome = await calibratePerfgate(
      {
        paths,
        cwd: io.cwd,
        env: io.env,
        out: opts.out,
        pairs: opts.pairs,
        keep: opts.keep,
        signal,
        onProgress: progress.update,
        ...(opts.generator ? { generator: opts.generator } : {}),
      },
      quiet,
    );
    progress.clear();
    if (!outcome.calibration) {
      // Only an interrupted calibration has none.
      io.stderr.write(`perfgate: interrupted by ${interruptedBy(signal) ?? 'a signal'}: no calibration was written\n`);
      return outcome.exitCode;
    }
    const shown = path.relative(io.cwd, outcome.file) || outcome.file;
    const { compare, scenarios } = outcome.config;
    io.stdout.write(
      renderCalibration({
        calibration: outcome.calibration,
        file: shown,
        scenarios,
        design: { minPairs: Math.min(compare.minPairs, compare.pairs), pairs: compare.pairs },
        applied: compare.calibration === outcome.file,
        fromConfig: path.relative(outcome.config.baseDir, outcome.file),
      }),
    );
    return outcome.exitCode;
  });
}

async function runCommand(paths: string[], opts: RunFlags, io: Io, log: Log): Promise<number> {
  return interruptible(opts.progress, io, log, 'stopping, cleaning up and writing partial results', async (signal, progress, quiet) => {
    const outcome = await runPerfgate(
      {
        paths,
        cwd: io.cwd,
        env: io.env,
        target: opts.target,
        scenarios: opts.scenario,
        base: opts.base,
        baselineFile: opts.baselineFile,
        pairs: opts.pairs,
        failOnInconclusive: opts.failOnInconclusive,
        keep: opts.keep,
        json: opts.json,
        markdown: opts.markdown,
        csv: opts.csv,
        html: opts.html,
        signal,
        onProgress: progress.update,
        ...(opts.generator ? { generator: opts.generator } : {}),
        ...(opts.shard ? { shard: opts.shard } : {}),
        ...(opts.pool ? { pool: opts.pool } : {}),
        ...(opts.record || opts.historyBranch ? { history: { branch: opts.historyBranch, record: Boolean(opts.record) } } : {}),
      },
      quiet,
    );
    progress.clear();
    io.stdout.write(renderTerminal(outcome.result, { color: Boolean(io.stdout.isTTY) }));
    for (const s of outcome.result.scenarios) if (s.error) io.stderr.write(`error: ${s.error}\n`);
    if (outcome.result.verdict === 'inconclusive' && !outcome.result.interrupted && !opts.failOnInconclusive) {
      log.warn('the verdict is inconclusive (exit 0); pass --fail-on-inconclusive to fail instead');
    }
    return outcome.exitCode;
  });
}

/** A progress bar per window in a terminal (cli-progress); in CI logs (not a TTY) a plain line every few seconds. */
function progressPrinter(mode: string, io: Io) {
  const tty = mode === 'tty' || (mode === 'auto' && Boolean(io.stderr.isTTY));
  const off = mode === 'off';
  let lastPlain = 0;
  let lastKey = '';
  let bar: SingleBar | undefined;
  const label = (scenario: string, arm: string, p: LoadProgress) =>
    `${scenario}${arm === 'base' ? ' [base]' : ''}: ${p.phase === 'warmup' ? 'warm-up' : 'measuring'}`;
  const figures = (p: LoadProgress) => {
    const problems = p.httpErrors + p.failures > 0 ? `, ${p.httpErrors} HTTP errors, ${p.failures} failures` : '';
    return `${p.requests} requests, ${Math.round(p.qps)} req/s${problems}`;
  };
  const seconds = (p: LoadProgress) => `${(p.elapsedMs / 1000).toFixed(0)}/${(p.totalMs / 1000).toFixed(0)}s`;
  const line = (scenario: string, arm: string, p: LoadProgress) => `${label(scenario, arm, p)} ${seconds(p)}, ${figures(p)}`;
  return {
    update(scenario: string, arm: 'head' | 'base', p: LoadProgress) {
      if (off) return;
      if (tty) {
        const key = `${scenario}/${arm}/${p.phase}`;
        const payload = { label: label(scenario, arm, p), figures: figures(p), seconds: seconds(p) };
        if (key !== lastKey || !bar) {
          bar?.stop();
          lastKey = key;
          bar = new SingleBar(
            {
              stream: io.stderr as NodeJS.WriteStream,
              format: '{label} [{bar}] {seconds}, {figures}',
              barsize: 20,
              hideCursor: false,
              clearOnComplete: true,
              noTTYOutput: true,
              fps: 5,
            },
            Presets.shades_classic,
          );
          bar.start(Math.max(1, p.totalMs), Math.min(p.elapsedMs, p.totalMs), payload);
        } else {
          bar.update(Math.min(p.elapsedMs, p.totalMs), payload);
        }
      } else {
        // A plain line every 5 s of each phase (CI logs keep every line, so no live redraw).
        const key = `${scenario}/${arm}/${p.phase}`;
        if (key !== lastKey) {
          lastKey = key;
          lastPlain = 0;
        }
        if (p.elapsedMs >= 1000 && p.elapsedMs - lastPlain >= 5000 - 500) {
          lastPlain = p.elapsedMs;
          io.stderr.write(`${line(scenario, arm, p)}\n`);
        }
      }
    },
    clear() {
      bar?.stop();
      bar = undefined;
      lastKey = '';
    },
  };
}

function reportError(error: unknown, io: Io, log: Log): number {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; everything else commander rejects is a usage error.
    return error.exitCode === 0 ? 0 : ExitCode.usage;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`${error.message}\n`);
    const total = error instanceof ListedConfigError ? error.total : error.issues.length;
    io.stderr.write(`${total} problem${total === 1 ? '' : 's'} in the perf config; see docs/config.md\n`);
    return error.exitCode;
  }
  if (error instanceof InfrastructureError) {
    io.stderr.write(`error: ${redactUrls(error.message)}\n`);
    for (const [name, tail] of Object.entries(error.logs)) {
      io.stderr.write(`--- last lines of ${name}'s log ---\n${tail.trimEnd()}\n`);
    }
    return error.exitCode;
  }
  if (isPerfgateError(error)) {
    io.stderr.write(`error: ${redactUrls(error.message)}\n`);
    return error.exitCode;
  }
  // A bug in perfgate, not the user's doing: say so, with the stack for the report.
  log.warn('perfgate hit an internal error; please report it with the output below');
  io.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.infrastructure;
}

/** Where the load generator runs (#14); without the flag, PERFGATE_GENERATOR, else auto. */
function generatorOption(): Option {
  return new Option(
    '--generator <where>',
    'where the load generator runs: auto (inside Docker when DOCKER_HOST is a remote engine), runner or docker',
  ).choices(GENERATOR_SETTINGS);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function toPart(value: string): Part {
  const part = parsePart(value);
  if (typeof part === 'string') throw new InvalidArgumentError(part);
  return part;
}

function toInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

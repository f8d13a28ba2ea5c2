// npm run bench:change-points: how well the history's change-point detection (E-Divisive means through
// history/trend.ts' shiftsOf, the product's settings) finds a step in main's runs, and how often it finds one that
// is not there. Pure CPU and seeded: the same command prints the same table on any machine.
//
// Each series is `runs` recorded runs of one metric around 1000, every run multiplied by (1 + noise·z), z a
// standard normal (seeded Box–Muller), and from run `at` on by (1 − step). A step is found when a change point lies
// within one run of `at` and goes the step's way; any other change point is a false one. A series with no step
// counts all of its change points as false. The last table replays each stepped series as main records it, one
// run at a time, and counts the runs after the step until the first recording that finds it (the run a
// history: fail_on_change fails). Options: --seeds N (series per cell, default 200), --runs N (default
// 30), --at N (the step's first run, default 20), --noise "2,4" (noise levels in %), --steps "3,5,10,20" (in %),
// --flat-runs N (the length of the stepless series for false change points per 100 runs, default 100).
import { parseArgs } from 'node:util';
import { shiftsOf, type Series } from '../src/history/trend.ts';
import { mulberry32 } from '../src/stats/rng.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    runs: { type: 'string', default: '30' },
    at: { type: 'string', default: '20' },
    noise: { type: 'string', default: '2,4' },
    steps: { type: 'string', default: '3,5,10,20' },
    'flat-runs': { type: 'string', default: '100' },
  },
});
const seeds = Number(values.seeds);
const runs = Number(values.runs);
const at = Number(values.at);
const flatRuns = Number(values['flat-runs']);
const percents = (text: string) => text.split(',').map((s) => Number(s) / 100);
const noises = percents(values.noise);
const steps = percents(values.steps);

/** Seeded standard normals (Box–Muller). */
function normals(seed: number): () => number {
  const random = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function series(values: number[]): Series {
  return {
    runner: 'bench',
    scenario: 'bench',
    metric: 'qps',
    points: values.map((value, i) => ({ sha: i.toString(16).padStart(40, '0'), time: new Date(i * 86_400_000).toISOString(), value })),
  };
}

function generate(seed: number, length: number, noise: number, step: number): number[] {
  const z = normals(seed);
  return Array.from({ length }, (_, i) => 1000 * (i >= at ? 1 - step : 1) * (1 + noise * z()));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const started = performance.now();
console.log(`E-Divisive means over seeded series: ${seeds} series per cell, step at run ${at} of ${runs}`);
console.log('');
console.log('| noise (sd) | step | found at the step (±1 run) | false change points per 100 runs |');
console.log('|--:|--:|--:|--:|');
for (const noise of noises) {
  for (const step of [0, ...steps]) {
    let found = 0;
    let falsePoints = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const shifts = shiftsOf(series(generate(seed * 7919 + Math.round(noise * 1000) + Math.round(step * 100_000), runs, noise, step)));
      const hit = step > 0 && shifts.some((s) => Math.abs(s.index - at) <= 1 && s.change < 0);
      if (hit) found++;
      falsePoints += shifts.length - (hit ? 1 : 0);
    }
    console.log(
      `| ${pct(noise)} | ${step === 0 ? 'none' : `−${pct(step)}`} | ${step === 0 ? '–' : `${pct(found / seeds)} (${found}/${seeds})`} | ${((falsePoints / (seeds * runs)) * 100).toFixed(2)} |`,
    );
  }
}
console.log('');
console.log(`Stepless series of ${flatRuns} runs: change points found where there is none`);
console.log('');
console.log('| noise (sd) | series with none | false change points per 100 runs |');
console.log('|--:|--:|--:|');
for (const noise of noises) {
  let clean = 0;
  let falsePoints = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const shifts = shiftsOf(series(generate(seed * 104_729 + Math.round(noise * 1000), flatRuns, noise, 0)));
    if (shifts.length === 0) clean++;
    falsePoints += shifts.length;
  }
  console.log(`| ${pct(noise)} | ${pct(clean / seeds)} (${clean}/${seeds}) | ${((falsePoints / (seeds * flatRuns)) * 100).toFixed(2)} |`);
}
console.log('');
console.log(`On main: the run that first finds the step, recorded one run at a time (runs ${at + 1}… ${runs}, step at run ${at})`);
console.log('');
console.log('| noise (sd) | step | found by run ' + runs + ' | runs at the new level when first found: median | 90th percentile |');
console.log('|--:|--:|--:|--:|--:|');
for (const noise of noises) {
  for (const step of steps) {
    const delays: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const values = generate(seed * 7919 + Math.round(noise * 1000) + Math.round(step * 100_000), runs, noise, step);
      // The same series as the first table, seen as main records it: the first prefix with the step in it.
      for (let length = at + 1; length <= runs; length++) {
        if (shiftsOf(series(values.slice(0, length))).some((s) => Math.abs(s.index - at) <= 1 && s.change < 0)) {
          delays.push(length - at);
          break;
        }
      }
    }
    delays.sort((a, b) => a - b);
    const quantile = (q: number) =>
      delays.length === 0 ? '–' : String(delays[Math.min(delays.length - 1, Math.ceil(q * delays.length) - 1)]);
    console.log(
      `| ${pct(noise)} | −${pct(step)} | ${pct(delays.length / seeds)} (${delays.length}/${seeds}) | ${quantile(0.5)} | ${quantile(0.9)} |`,
    );
  }
}
console.log('');
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);

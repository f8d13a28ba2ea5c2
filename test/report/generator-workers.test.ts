// The reports with worker threads (#14): the CPU line names how many there were, and a saturation warning names
// the saturated ones, each on its own core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGeneratorCpu } from '../../src/report/format.ts';
import { measurementWarnings } from '../../src/report/warnings.ts';
import type { LoadMeasurement } from '../../src/result.ts';
import { scenario } from '../helpers/scenario.ts';
import { measurement } from './fixture.ts';

test('the CPU line: one generator as before, workers counted when there were several', () => {
  assert.equal(formatGeneratorCpu({ cpu: 0.45 }), '0.45 cores');
  assert.equal(formatGeneratorCpu({ cpu: 0.45, workers: 1 }), '0.45 cores');
  assert.equal(formatGeneratorCpu({ cpu: 1.83, workers: 2 }), '1.83 cores over 2 workers');
});

test('saturation: one thread as a share of a core; with workers, which ones of how many', () => {
  const saturated = (generator: LoadMeasurement['generator']) =>
    measurementWarnings(measurement({ generator }), scenario()).filter((w) => w.includes('generator'));
  assert.deepEqual(saturated({ cpu: 0.97, saturated: true, workers: 1 }), [
    'the load generator used 97% of a core: it was the bottleneck, so these figures measure the client, not the service',
  ]);
  assert.deepEqual(saturated({ cpu: 1.5, saturated: true, workers: 2, perWorker: [0.56, 0.94], saturatedWorkers: [2] }), [
    'load generator worker 2 (94%) of 2 used its core: it was the bottleneck, so these figures measure the client, not the service',
  ]);
  assert.deepEqual(saturated({ cpu: 2.87, saturated: true, workers: 3, perWorker: [0.95, 0.93, 0.99], saturatedWorkers: [1, 2, 3] }), [
    'load generator workers 1 (95%), 2 (93%), 3 (99%) of 3 used their cores: it was the bottleneck, so these figures measure the client, not the service',
  ]);
  assert.deepEqual(saturated({ cpu: 1.2, saturated: false, workers: 2, perWorker: [0.6, 0.6] }), []);
});

// Where the generator runs, decided from the setting and the engine's address alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/errors.ts';
import { generatorSetting, placeGenerator } from '../../src/generator/placement.ts';

const local = { local: true, address: 'unix:///var/run/docker.sock' };
const remote = { local: false, address: 'tcp://10.0.0.5:2376' };

describe('placeGenerator', () => {
  test('auto: the runner for a local socket, Docker for a remote engine, the runner for a running target', () => {
    assert.deepEqual(placeGenerator('auto', local), {
      where: 'runner',
      reason: 'the Docker engine is on this machine (unix:///var/run/docker.sock)',
    });
    assert.deepEqual(placeGenerator('auto', remote), {
      where: 'docker',
      host: 'tcp://10.0.0.5:2376',
      reason: 'the Docker engine is remote (tcp://10.0.0.5:2376)',
    });
    assert.deepEqual(placeGenerator('auto', undefined), { where: 'runner', reason: 'a running target is loaded from here' });
  });

  test('forced either way', () => {
    assert.equal(placeGenerator('docker', local).where, 'docker');
    assert.equal(placeGenerator('docker', local).host, 'unix:///var/run/docker.sock');
    assert.equal(placeGenerator('runner', remote).where, 'runner');
  });

  test('docker with a running target is a usage error: there is no stack network to join', () => {
    assert.throws(
      () => placeGenerator('docker', undefined),
      (e: Error) => e instanceof UsageError && /needs services:/.test(e.message),
    );
  });
});

describe('generatorSetting', () => {
  test('the flag, else PERFGATE_GENERATOR, else auto', () => {
    assert.equal(generatorSetting('runner', { PERFGATE_GENERATOR: 'docker' }), 'runner');
    assert.equal(generatorSetting(undefined, { PERFGATE_GENERATOR: 'docker' }), 'docker');
    assert.equal(generatorSetting(undefined, {}), 'auto');
    assert.equal(generatorSetting(undefined, { PERFGATE_GENERATOR: '' }), 'auto');
  });

  test('an unknown value is a usage error naming where it came from', () => {
    assert.throws(
      () => generatorSetting(undefined, { PERFGATE_GENERATOR: 'remote' }),
      (e: Error) => e instanceof UsageError && e.message === 'PERFGATE_GENERATOR: expected auto, runner, docker, got "remote"',
    );
  });
});

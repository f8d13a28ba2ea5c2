// One file's validated input → its part of the PerfConfig: target, services, scenarios and compare, in canonical
// units. Pure: the files it names were read beforehand (fileNeeds → file-facts.ts), and problems go to `add`.
import { calibrationFiles, normaliseCompare, type CompareAt } from './compare.ts';
import { normaliseDiagnose } from './diagnose.ts';
import type { FileFacts, FileNeeds } from './file-facts.ts';
import { normaliseHistory } from './history.ts';
import type { AddIssue } from './issues.ts';
import type { Positions } from './positions.ts';
import type { PerfFile } from './schema.ts';
import { normaliseScenarios, tokenFiles } from './scenarios.ts';
import { normaliseServices, serviceFiles } from './services.ts';
import type { CompareMetric, Diagnose, DriftSettings, Scenario, Services, SourceLocation } from './types.ts';

/** One file's share; load.ts merges them, each of target, services, compare and history set in one file at most. */
export interface FileConfig {
  generator?: { workers?: number; at: SourceLocation };
  target?: { value: string; at: SourceLocation };
  diagnose?: { value: Diagnose; at: SourceLocation };
  services?: { value: Services; at: SourceLocation };
  compare?: CompareAt;
  history?: { value: DriftSettings; at: SourceLocation };
  scenarios: Scenario[];
  /** Per scenario name, the metrics whose tolerance the file set: a calibration (compare: in any file) fills the rest. */
  explicitTolerance: Map<string, Set<CompareMetric>>;
}

export interface NormaliseContext {
  pos: Positions;
  /** The YAML file's directory: the paths in it are relative to it. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Replace ${env.NAME}; false checks the syntax only (`perfgate validate`). */
  resolveEnv: boolean;
  facts: FileFacts;
  add: AddIssue;
}

/** The files the input names, to read or check before normalising it. */
export function fileNeeds(file: PerfFile, dir: string): FileNeeds {
  return {
    read: [...tokenFiles(file.scenarios, dir), ...calibrationFiles(file.compare, dir)],
    check: file.services ? serviceFiles(file.services, dir) : [],
  };
}

export function normaliseFile(file: PerfFile, ctx: NormaliseContext): FileConfig {
  const { pos, dir, env, resolveEnv, facts, add } = ctx;
  const config: FileConfig = { scenarios: [], explicitTolerance: new Map() };
  if (file.generator) config.generator = { ...file.generator, at: pos.of(['generator'], true) };
  if (file.target !== undefined) config.target = normaliseTarget(file.target, pos, add);
  if (file.diagnose) config.diagnose = normaliseDiagnose(file.diagnose, { pos, env, resolveEnv, add });
  if (file.target !== undefined && file.services !== undefined) {
    add(
      pos.of(['services'], true),
      'services',
      'use either target: (a service that is already running) or services: (perfgate starts it), not both',
    );
  }
  if (file.services) {
    config.services = {
      value: normaliseServices(file.services, { pos, dir, existing: facts.existing, add }),
      at: pos.of(['services'], true),
    };
  }
  const scenarios = normaliseScenarios(file.scenarios, file.defaults ?? {}, {
    pos,
    dir,
    env,
    resolveEnv,
    texts: facts.texts,
    unreadable: facts.unreadable,
    add,
  });
  config.scenarios = scenarios.scenarios;
  config.explicitTolerance = scenarios.explicitTolerance;
  if (file.compare) config.compare = normaliseCompare(file.compare, { pos, dir, texts: facts.texts, add });
  if (file.history) config.history = { value: normaliseHistory(file.history), at: pos.of(['history'], true) };
  return config;
}

function normaliseTarget(target: string, pos: Positions, add: AddIssue): { value: string; at: SourceLocation } {
  const at = pos.of(['target']);
  if (!/^https?:\/\/[^/]+/.test(target))
    add(at, 'target', `expected an http(s) URL like http://127.0.0.1:8080, got ${JSON.stringify(target)}`);
  return { value: target.replace(/\/+$/, ''), at };
}

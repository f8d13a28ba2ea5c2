// The runner's side of an action — log, annotations, outputs, job summary, saved state — behind one small
// interface, backed by @actions/core. The action's logic talks to this, so tests can record what it emits.
import * as core from '@actions/core';
import type { Log } from '../log.ts';
import type { AnnotationProperties } from './annotations.ts';

export interface ActionsIo {
  info(message: string): void;
  notice(message: string, properties?: AnnotationProperties): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  setSecret(secret: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Appends Markdown to the job summary ($GITHUB_STEP_SUMMARY). */
  summary(markdown: string): Promise<void>;
}

export function coreIo(): ActionsIo {
  return {
    info: (message) => core.info(message),
    notice: (message, properties) => core.notice(message, properties),
    warning: (message, properties) => core.warning(message, properties),
    error: (message, properties) => core.error(message, properties),
    group: (name, body) => core.group(name, body),
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (message) => core.setFailed(message),
    setSecret: (secret) => core.setSecret(secret),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    summary: async (markdown) => {
      await core.summary.addRaw(markdown).write();
      core.summary.emptyBuffer();
    },
  };
}

/** perfgate's progress Log on top of the runner: groups become collapsible sections. */
export function actionsLog(io: ActionsIo): Log {
  return {
    info: (message) => io.info(message),
    warn: (message) => io.warning(message),
    group: (title, body) => io.group(title, body),
  };
}

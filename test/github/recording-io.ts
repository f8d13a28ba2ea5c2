// An ActionsIo that records what the action emits (annotations, outputs, summary) instead of printing
// workflow commands: the runner is the one part of GitHub Actions a test process cannot be.
import type { AnnotationProperties } from '../../src/github/annotations.ts';
import type { ActionsIo } from '../../src/github/actions-io.ts';

export function recordingIo(state: Record<string, string> = {}): ActionsIo & {
  events: Array<{ kind: string; message: string; properties?: AnnotationProperties }>;
  outputs: Record<string, string>;
  summaries: string[];
  failed?: string;
  state: Record<string, string>;
} {
  const events: Array<{ kind: string; message: string; properties?: AnnotationProperties }> = [];
  const outputs: Record<string, string> = {};
  const summaries: string[] = [];
  const io = {
    events,
    outputs,
    summaries,
    state,
    failed: undefined as string | undefined,
    info: (message: string) => void events.push({ kind: 'info', message }),
    notice: (message: string, properties?: AnnotationProperties) => void events.push({ kind: 'notice', message, properties }),
    warning: (message: string, properties?: AnnotationProperties) => void events.push({ kind: 'warning', message, properties }),
    error: (message: string, properties?: AnnotationProperties) => void events.push({ kind: 'error', message, properties }),
    group: async <T>(name: string, body: () => Promise<T>) => {
      events.push({ kind: 'group', message: name });
      return body();
    },
    setOutput: (name: string, value: string) => void (outputs[name] = value),
    setFailed: (message: string) => {
      io.failed = message;
      events.push({ kind: 'failed', message });
    },
    setSecret: () => {},
    saveState: (name: string, value: string) => void (state[name] = value),
    getState: (name: string) => state[name] ?? '',
    summary: async (markdown: string) => void summaries.push(markdown),
  };
  return io;
}

// `perfgate generate` (hidden): the generator's end inside a Docker engine. It reads window specs from stdin, one
// at a time, runs each with runLoad exactly as a local run would, and writes its progress and then its measurement
// to stdout as lines (wire.ts). One process serves a whole run, so Node's start-up and the bundle's parsing (a
// second or two) are paid once, not per window. A stop line ends the current window at once, as Ctrl-C ends a
// local one: its partial measurement still comes back, marked aborted. stdin closing ends the process (the
// window then running is stopped first: the runner is gone).
import type { Readable, Writable } from 'node:stream';
import { UsageError, firstLine } from '../errors.ts';
import { runLoad } from '../load/run-load.ts';
import { line, lineSplitter, parseInbound, type Outbound, type WindowSpec } from './wire.ts';

interface Queued {
  spec: WindowSpec;
  /** Set when a stop arrived before the window started. */
  stopped?: string;
}

export async function generate(input: Readable, output: Writable): Promise<void> {
  const queue: Queued[] = [];
  let current: AbortController | undefined;
  let closed = false;
  let invalid: UsageError | undefined;
  let lines = 0;
  let wake: () => void = () => {};
  const split = lineSplitter((text) => {
    lines++;
    let message;
    try {
      message = parseInbound(text);
    } catch (error) {
      invalid ??= new UsageError(`perfgate generate: stdin line ${lines} is not a window spec or a stop: ${firstLine(error)}`);
      current?.abort('an unreadable line from the runner');
      return wake();
    }
    if ('window' in message) queue.push({ spec: message.window });
    else if (current) current.abort(message.stop);
    else if (queue.length > 0) queue[queue.length - 1]!.stopped ??= message.stop;
    wake();
  });
  const finish = () => {
    if (closed) return;
    split.end();
    closed = true;
    current?.abort('the runner closed the connection');
    wake();
  };
  input.on('data', (chunk: Buffer) => split.push(chunk));
  input.on('end', finish);
  input.on('error', finish);

  const next = async (): Promise<Queued | undefined> => {
    while (queue.length === 0 && !closed && !invalid) await new Promise<void>((resolve) => (wake = resolve));
    return invalid ? undefined : queue.shift();
  };
  const send = (message: Outbound) => new Promise<void>((resolve) => output.write(line(message), () => resolve()));
  try {
    for (let window = await next(); window; window = await next()) {
      current = new AbortController();
      if (window.stopped !== undefined) current.abort(window.stopped);
      const measurement = await runLoad({
        ...window.spec,
        signal: current.signal,
        onProgress: (progress) => void send({ progress }),
        onWarmupSettled: (requests) => void send({ warmupSettled: requests }),
      });
      current = undefined;
      await send({ result: measurement });
    }
  } finally {
    // An open stdin must not keep the process alive once the session is over.
    input.destroy();
  }
  if (invalid) throw invalid;
}

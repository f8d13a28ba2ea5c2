// `perfgate generate` (hidden): the generator's end inside a Docker engine. It reads one window's spec from stdin,
// runs it with runLoad exactly as a local run would, and writes progress and then the measurement to stdout as
// lines (wire.ts). A stop line, or stdin closing (the runner went away), ends the window at once, as Ctrl-C ends a
// local one: the partial measurement still comes back, marked aborted.
import type { Readable, Writable } from 'node:stream';
import { UsageError, firstLine } from '../errors.ts';
import { runLoad } from '../load/run-load.ts';
import { line, lineSplitter, parseInbound, type Outbound, type WindowSpec } from './wire.ts';

export async function generate(input: Readable, output: Writable): Promise<void> {
  const stop = new AbortController();
  const spec = await new Promise<WindowSpec>((resolve, reject) => {
    let got: WindowSpec | undefined;
    const split = lineSplitter((text) => {
      let message;
      try {
        message = parseInbound(text);
      } catch (error) {
        if (!got) reject(new UsageError(`perfgate generate: stdin line 1 is not a window spec: ${firstLine(error)}`));
        return;
      }
      if ('window' in message && !got) {
        got = message.window;
        resolve(got);
      } else if ('stop' in message) {
        if (!got) reject(new UsageError('perfgate generate: stopped before any window spec'));
        stop.abort(message.stop);
      }
    });
    input.on('data', (chunk: Buffer) => split.push(chunk));
    input.on('end', () => {
      split.end();
      if (!got) reject(new UsageError('perfgate generate: stdin ended without a window spec'));
      // The runner is gone: nobody will read a full window, so end it as an interruption would.
      else stop.abort('the runner closed the connection');
    });
    input.on('error', (error) => stop.abort(firstLine(error)));
  });
  const send = (message: Outbound) => output.write(line(message));
  const measurement = await runLoad({
    ...spec,
    signal: stop.signal,
    onProgress: (progress) => send({ progress }),
    onWarmupSettled: (requests) => send({ warmupSettled: requests }),
  });
  await new Promise<void>((resolve) => output.write(line({ result: measurement }), () => resolve()));
  // Done: an open stdin must not keep the process (and so the runner, waiting for it to end) alive.
  input.destroy();
}

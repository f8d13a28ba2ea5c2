// autocannon's per-response work that perfgate never reads, taken off the hot path (#14). Measured by profiling one
// generator thread against nginx (--cpu-prof): per response, autocannon deep-clones the request context (lodash),
// appends each body chunk to a string, and its run loop records the response in its own whole-millisecond
// HdrHistogram (WebAssembly), status table and progress emitter. perfgate counts every response itself (the
// request ledger) and reads none of that, so each client is trimmed right after perfgate has instrumented it.
//
// These are autocannon 9's internals (lib/httpClient.js, lib/requestIterator.js, lib/run.js), like the ledger's.
import net from 'node:net';

/** A request in autocannon's queue, as far as the body goes; `chunks` is ours. */
interface QueuedRequest {
  body: string;
  chunks?: Buffer[];
}

/** The parts of autocannon's Client this trims. */
export interface TrimmableClient {
  pipelinedRequests: {
    addBody(data: Buffer): void;
    peek(): QueuedRequest | undefined;
    terminateRequest(): QueuedRequest | undefined;
  };
  requestIterator: { resetContext(): void; context: object };
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/**
 * Trims one client. Call it last in `setupClient`, after every listener of perfgate's is on: from then on the
 * client takes no further 'response' or 'request' listeners (run.js adds its own right after).
 * `keepBodies`: the scenario checks bodies (`expect:`), so the body is still collected for them.
 */
export function trimClient(client: TrimmableClient, options: { keepBodies: boolean }): void {
  // The context is only perfgate's (setupRequest writes the mix entry into it, every request anew): the same
  // object can stay instead of a deep clone of it before every request.
  client.requestIterator.resetContext = () => {};
  // The body is only read by `expect:` (through recordBody); its bytes are counted from the socket's chunks
  // either way. (The parser's own body callback is set after setupClient, so the queue's append is what changes.)
  if (options.keepBodies) keepBodyBytes(client.pipelinedRequests);
  else client.pipelinedRequests.addBody = () => {};
  // run.js' per-response bookkeeping (its histogram, status codes, progress) and per-request count: unread.
  const on = client.on.bind(client);
  client.on = (event, listener) => (event === 'response' || event === 'request' ? client : on(event, listener));
}

/**
 * A body is kept as bytes and decoded once, when its response is complete. autocannon appends each chunk as text, so
 * a character split across two reads became two U+FFFD and failed a right answer's check. The bytes are copied:
 * they are views of the one read buffer, which the next read overwrites.
 */
function keepBodyBytes(queue: TrimmableClient['pipelinedRequests']): void {
  queue.addBody = (data) => {
    const request = queue.peek();
    if (request) (request.chunks ??= []).push(Buffer.from(data));
  };
  const terminate = queue.terminateRequest.bind(queue);
  queue.terminateRequest = () => {
    const request = terminate();
    if (request?.chunks) {
      request.body = (request.chunks.length === 1 ? request.chunks[0]! : Buffer.concat(request.chunks)).toString('utf8');
      request.chunks = undefined;
    }
    return request;
  };
}

/** The parts of autocannon's Client that `readIntoOneBuffer` replaces and calls. */
export interface ConnectingClient {
  secure: boolean;
  ipc: boolean;
  destroyed: boolean;
  opts: { port: number; hostname: string; socketPath?: string; pipelining: number };
  conn: net.Socket;
  parser: { execute(chunk: Buffer): unknown };
  pipelinedRequests: { addByteCount(count: number): void };
  _connect(): void;
  _doRequest(): void;
  emit(event: 'connError', error: Error): boolean;
}

/**
 * Every plain-TCP read of this thread lands in one reused buffer (net's `onread`), not in a fresh Buffer and a
 * 'data' event per read: the parser consumes each read before the next one (http-parser-js copies what it keeps
 * into strings, and body bytes are either dropped or copied by keepBodyBytes), so nothing outlives the callback.
 * Otherwise autocannon's own `_connect`, line for line. Call it first in `setupClient`, before the ledger wraps
 * `_connect`. TLS sockets take no `onread`: HTTPS keeps autocannon's reads.
 */
export function readIntoOneBuffer(client: ConnectingClient): void {
  if (client.secure) return;
  const onread = {
    buffer: sharedReadBuffer,
    callback: (bytes: number, buffer: Uint8Array) => {
      client.pipelinedRequests.addByteCount(bytes);
      client.parser.execute((buffer as Buffer).subarray(0, bytes));
      return true; // false would pause the socket
    },
  };
  client._connect = () => {
    const { opts } = client;
    client.conn = client.ipc
      ? net.connect({ path: opts.socketPath!, onread, noDelay: true })
      : net.connect({ port: opts.port, host: opts.hostname, onread, noDelay: true });
    client.conn.on('error', (error) => {
      client.emit('connError', error);
      if (!client.destroyed) client._connect();
    });
    client.conn.on('end', () => {
      if (!client.destroyed) client._connect();
    });
    for (let i = 0; i < opts.pipelining; i++) client._doRequest();
  };
}

/** One per thread: reads are consumed synchronously, one at a time. */
const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

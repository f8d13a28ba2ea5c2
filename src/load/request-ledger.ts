// Every request written has exactly one outcome: a response, or a failure of a named kind, timed by us on the
// right request. autocannon's client alone loses requests silently (lib/httpClient.js): it reconnects on a
// socket end without an event, keeps its parser mid-body across connections (the next response is then read
// as the rest of the old one), writes the next request to a socket the server said it would close, ignores a
// parse error, and drops whatever is in flight when it stops. The ledger instruments each client through
// autocannon's `setupClient` so that none of that can happen unseen.
import type { Socket } from 'node:net';
import type { FailureKind } from '../result.ts';
import { failureKind } from './outcome-counter.ts';
import type { Verdict } from './response-check.ts';

/** The parts of autocannon's Client (lib/httpClient.js) the ledger drives. */
export interface LedgerClient {
  /** Sends the next request; the ledger's wrapper returns false when it did not. */
  _doRequest(): void | boolean;
  _connect(): void;
  _destroyConnection(): void;
  _resetConnection(): void;
  destroyed: boolean;
  conn: Socket;
  parser: { execute(chunk: Buffer): unknown; initialize(type: 'RESPONSE'): void; finish(): unknown };
  pipelinedRequests: { clear(): void; peek(): { bytes: number } | undefined };
  /** Called with each complete response just before its 'response' event; `context` is the one setupRequest got. */
  requestIterator: { recordBody(req: unknown, status: number, body: string, rawHeaders: string[]): void; context: object };
  on(event: 'response', listener: (status: number, bytes: number) => void): unknown;
  on(event: 'headers', listener: (info: { shouldKeepAlive?: boolean }) => void): unknown;
}

/** Whether a request was sent in the unrecorded warm-up or in the measured window. */
export type Phase = 'warmup' | 'window';

export type Outcome = { status: number; bytes: number; verdict?: Verdict } | { failure: FailureKind };

interface SettledRequest {
  phase: Phase;
  /** The mix entry the request was built from (`entryOf`), 0 without one. */
  entry: number;
  /** From when it was sent (open model: from when it was due, less the generator's own lag) to its outcome. */
  latencyMs: number;
  outcome: Outcome;
}

export interface LedgerOptions {
  settle(request: SettledRequest): void;
  /** The measured window is this many requests: after the last is sent, `onWindowFull` is called. */
  amount?: number;
  onWindowFull?(): void;
  /** Open model: how long the client's next request already waited for a free connection (ms). */
  waitMs?(client: LedgerClient): number;
  /** Checks each response (`expect:`): its verdict goes with its outcome. */
  inspect?(client: LedgerClient, status: number, body: string, rawHeaders: string[]): Verdict | undefined;
  now?(): number;
  /** Which mix entry the request just sent on this client is (read once it is built and written). */
  entryOf?(client: LedgerClient): number;
}

interface Connection {
  request?: { phase: Phase; startedAt: number; entry: number };
  /** The server ended the connection or said it would: nothing more is written to it. */
  closing: boolean;
  /** The verdict on the response about to be reported ('response' follows recordBody at once). */
  verdict?: Verdict | undefined;
}

export class RequestLedger {
  private phase: Phase | 'draining' | 'stopped' = 'warmup';
  private readonly connections = new Set<Connection>();
  private readonly open: Record<Phase, number> = { warmup: 0, window: 0 };
  private sentInWindow = 0;
  private drained: (() => void) | undefined;
  private readonly now: () => number;
  private readonly options: LedgerOptions;

  constructor(options: LedgerOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
  }

  /** Requests sent in the measured window from now on. */
  startWindow(): void {
    this.phase = 'window';
  }

  /** Requests of the window still waiting for their outcome. */
  get pending(): number {
    return this.open.window;
  }

  /** Sends nothing more; resolves when every request of the window has its outcome (responses or timeouts). */
  drain(): Promise<void> {
    if (this.phase === 'warmup' || this.phase === 'window') this.phase = 'draining';
    if (this.open.window === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  /** Gives every request of the window still in flight this outcome (a backstop: drains end by timeouts). */
  settleRemaining(failure: FailureKind): void {
    for (const connection of this.connections) {
      if (connection.request?.phase === 'window') this.settle(connection, { failure });
    }
  }

  /** From here on, connections that autocannon tears down are not failures: the run is over. */
  stop(): void {
    this.phase = 'stopped';
  }

  /** Instruments one autocannon client. Call it first in `setupClient`, before anything else wraps `_doRequest`. */
  attach(client: LedgerClient): void {
    const connection: Connection = { closing: false };
    this.connections.add(connection);

    const send = client._doRequest.bind(client);
    client._doRequest = () => this.send(client, connection, send);

    const connect = client._connect.bind(client);
    client._connect = () => {
      // Whatever ended the old connection has settled its request already (end, error, timeout); this is a
      // backstop so that nothing carries over to the new one.
      this.settle(connection, { failure: 'other' });
      // A new connection starts a new parse: autocannon keeps the old parser state and queue.
      client.parser.initialize('RESPONSE');
      client.pipelinedRequests.clear();
      connection.closing = false;
      connect();
      this.watch(client, connection);
    };

    const destroyConnection = client._destroyConnection.bind(client);
    client._destroyConnection = () => {
      // autocannon drops a connection with a request on it only when that request timed out (its ticker
      // fired) or when the run stops.
      if (this.phase !== 'stopped') this.settle(connection, { failure: 'timeout' });
      destroyConnection();
    };

    const execute = client.parser.execute.bind(client.parser);
    client.parser.execute = (chunk: Buffer) => {
      let result: unknown;
      try {
        result = execute(chunk);
      } catch (error) {
        // autocannon's own handler throws on a response nobody asked for (an empty queue).
        result = error;
      }
      if (result instanceof Error) {
        // A response that is not HTTP: the request on it failed, and the connection's parse is lost.
        this.settle(connection, { failure: 'other' });
        connection.closing = true;
        this.reconnectSoon(client, connection);
      }
      return result;
    };

    client.on('headers', (info) => {
      if (info.shouldKeepAlive === false) connection.closing = true;
    });
    const inspect = this.options.inspect;
    if (inspect) {
      // autocannon hands the whole response (body as text, raw headers) to recordBody, then emits 'response'.
      const iterator = client.requestIterator;
      const record = iterator.recordBody.bind(iterator);
      iterator.recordBody = (req, status, body, rawHeaders) => {
        connection.verdict = inspect(client, status, body, rawHeaders ?? []);
        record(req, status, body, rawHeaders);
      };
    }
    client.on('response', (status, bytes) => {
      const verdict = connection.verdict;
      connection.verdict = undefined;
      this.settle(connection, verdict ? { status, bytes, verdict } : { status, bytes });
    });
  }

  private watch(client: LedgerClient, connection: Connection): void {
    const conn = client.conn;
    // Prepended: these run before autocannon's own handlers, which reconnect at once.
    conn.prependListener('error', (error: Error) => {
      if (client.conn === conn) this.settle(connection, { failure: failureKind(error) });
    });
    conn.prependListener('end', () => {
      // autocannon reconnects after this; a late error on the ended socket must not reconnect a second time.
      conn.removeAllListeners('error');
      conn.on('error', () => {});
      if (client.conn !== conn) return;
      connection.closing = true;
      if (!connection.request) return;
      // A body without a length is read until the connection closes: that close completes it.
      try {
        client.parser.finish();
      } catch {
        // Not a complete response: settled below.
      }
      const received = (client.pipelinedRequests.peek()?.bytes ?? 0) > 0;
      this.settle(connection, { failure: received ? 'truncated' : 'reset' });
    });
  }

  private send(client: LedgerClient, connection: Connection, send: () => void): boolean {
    // One request per connection at a time (pipelining 1).
    if (connection.request) return false;
    if (connection.closing) {
      this.reconnectSoon(client, connection);
      return false;
    }
    const phase = this.phase;
    if (phase !== 'warmup' && phase !== 'window') return false;
    if (phase === 'window' && this.options.amount !== undefined && this.sentInWindow >= this.options.amount) return false;
    const request = { phase, startedAt: this.now() - (this.options.waitMs?.(client) ?? 0), entry: 0 };
    connection.request = request;
    this.open[phase]++;
    send();
    // autocannon builds the next request (setupRequest picks its entry) inside send: only now is it known.
    if (this.options.entryOf) request.entry = this.options.entryOf(client);
    if (phase === 'window' && ++this.sentInWindow === this.options.amount) this.options.onWindowFull?.();
    return true;
  }

  /** Opens a fresh connection after the current job (never inside the parser's own callbacks). */
  private reconnectSoon(client: LedgerClient, connection: Connection): void {
    queueMicrotask(() => {
      if (connection.closing && !connection.request && !client.destroyed && this.phase !== 'stopped') client._resetConnection();
    });
  }

  private settle(connection: Connection, outcome: Outcome): void {
    const request = connection.request;
    if (!request) return;
    connection.request = undefined;
    this.open[request.phase]--;
    this.options.settle({ phase: request.phase, entry: request.entry, latencyMs: this.now() - request.startedAt, outcome });
    if (this.phase === 'draining' && this.open.window === 0) {
      this.drained?.();
      this.drained = undefined;
    }
  }
}

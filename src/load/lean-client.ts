// autocannon's per-response work that perfgate never reads, taken off the hot path (#14). Measured by profiling one
// generator thread against nginx (--cpu-prof): per response, autocannon deep-clones the request context (lodash),
// appends each body chunk to a string, and its run loop records the response in its own whole-millisecond
// HdrHistogram (WebAssembly), status table and progress emitter. perfgate counts every response itself (the
// request ledger) and reads none of that, so each client is trimmed right after perfgate has instrumented it.
//
// These are autocannon 9's internals (lib/httpClient.js, lib/requestIterator.js, lib/run.js), like the ledger's.

/** The parts of autocannon's Client this trims. */
export interface TrimmableClient {
  pipelinedRequests: { addBody(data: Buffer): void };
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
  if (!options.keepBodies) {
    // The body is only read by `expect:` (through recordBody); its bytes are counted from the socket's chunks
    // either way. (The parser's own body callback is set after setupClient, so the queue's append goes instead.)
    client.pipelinedRequests.addBody = () => {};
  }
  // run.js' per-response bookkeeping (its histogram, status codes, progress) and per-request count: unread.
  const on = client.on.bind(client);
  client.on = (event, listener) => (event === 'response' || event === 'request' ? client : on(event, listener));
}

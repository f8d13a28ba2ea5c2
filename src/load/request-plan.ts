// What each request looks like: one fixed request (prebuilt once by autocannon: the fast path), or a weighted
// mix and rotating tokens, chosen per request.
import type { RequestTemplate, Scenario, WeightedRequest } from '../config/types.ts';

/** Smooth weighted round robin (as nginx): weights 3:1 give exactly 75/25 over every 4 picks, interleaved. */
export function weightedPicker(entries: WeightedRequest[]): () => RequestTemplate {
  const pick = weightedIndex(entries);
  return () => entries[pick()]!.request;
}

function weightedIndex(entries: WeightedRequest[]): () => number {
  if (entries.length === 1) return () => 0;
  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  const current = entries.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < entries.length; i++) {
      current[i]! += entries[i]!.weight;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return best;
  };
}

/**
 * Which mix entry the request in flight on a client is: setupRequest leaves it in the context autocannon keeps per
 * client (one request at a time per connection, so it is the one the next response answers). 0 without a mix.
 */
export function entryOf(context: object | undefined): number {
  return (context as { perfgateEntry?: number } | undefined)?.perfgateEntry ?? 0;
}

interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  setupRequest?: (req: AutocannonRequest, context?: { perfgateEntry?: number }) => AutocannonRequest;
}

export function autocannonRequests(scenario: Scenario): AutocannonRequest[] {
  const needsSetup = scenario.requests.length > 1 || scenario.tokens !== undefined;
  const first = scenario.requests[0]!.request;
  const shape = (r: RequestTemplate): AutocannonRequest => ({
    method: r.method,
    path: r.path,
    headers: r.headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
  });
  if (!needsSetup) return [shape(first)];
  const pick = weightedIndex(scenario.requests);
  const tokens = scenario.tokens;
  let next = 0;
  return [
    {
      ...shape(first),
      // autocannon hands over the request with its connection's fields (host, port, the URL's credentials as
      // `auth`): the picked request replaces method, path, headers and body only, so those still go out.
      setupRequest: (defaults, context) => {
        const entry = pick();
        if (context) context.perfgateEntry = entry;
        const picked = shape(scenario.requests[entry]!.request);
        const request: AutocannonRequest = { ...defaults, ...picked, body: picked.body };
        if (tokens) {
          request.headers = { ...request.headers, [tokens.header]: tokens.prefix + tokens.tokens[next % tokens.tokens.length] };
          next++;
        }
        return request;
      },
    },
  ];
}

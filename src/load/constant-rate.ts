// The open model's pacing: request k is due at t0 + k/rate whatever the service does (wrk2's constant
// schedule), and its latency counts from when it was due, not from when a free connection finally sent it.
// autocannon's own rate limit is a per-second token bucket (each second's quota leaves in a burst) and its
// coordinated-omission correction assumes 1 ms spacing, so perfgate paces autocannon's connections itself.
// Only the wait for a free connection is the service's: when a connection was already free, any lateness in
// sending is the generator's own (coarse timers, a busy event loop) and is reported apart, as lag.
import { LatencyRecorder } from './latency-recorder.ts';

/** The part of an autocannon Client the schedule drives (it is handed over by autocannon's `setupClient`). */
export interface PacedClient {
  /** Sends the client's next request; false when the connection could not take it (the ticket stays due). */
  _doRequest(): void | boolean;
}

export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

const realClock: Clock = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface Backlog {
  /** Requests that were due but never sent: every connection was still waiting for an earlier answer. */
  unsent: number;
  /** How long the oldest of them had waited (ms); 0 without a backlog. */
  oldestWaitMs: number;
}

export interface ScheduleLag {
  /** How late the generator sent requests to connections that were already free (ms). */
  p99Ms: number;
  maxMs: number;
}

export class ConstantRateSchedule {
  private readonly intervalMs: number;
  private readonly t0: number;
  /** Tickets sent so far; ticket k was due at t0 + k·interval. */
  private sent = 0;
  /** Connections waiting for their next ticket, longest-waiting first. */
  private readonly idle: PacedClient[] = [];
  private readonly sendOf = new Map<PacedClient, () => void | boolean>();
  private readonly waitOf = new Map<PacedClient, number>();
  /** The connections in line, and when each became free. */
  private readonly freeSince = new Map<PacedClient, number>();
  private readonly lags = new LatencyRecorder();
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private dispatchQueued = false;

  private readonly clock: Clock;

  constructor(rate: number, clock: Clock = realClock) {
    this.clock = clock;
    if (!(rate > 0)) throw new RangeError(`rate must be positive, got ${rate}`);
    this.intervalMs = 1000 / rate;
    this.t0 = clock.now();
    this.arm();
  }

  /** Takes over a client's request loop: it sends only when a ticket is due. */
  attach(client: PacedClient): void {
    const send = client._doRequest.bind(client);
    this.sendOf.set(client, send);
    client._doRequest = () => {
      if (this.stopped) return;
      // autocannon asks again on every reconnect; a connection waits in line once.
      if (!this.freeSince.has(client)) {
        this.freeSince.set(client, this.clock.now());
        this.idle.push(client);
      }
      // Dispatch at the end of this job, not inside it: autocannon asks for the next request from inside its
      // parser and reconnect callbacks, where the connection's previous request is still being settled.
      if (!this.dispatchQueued) {
        this.dispatchQueued = true;
        queueMicrotask(() => {
          this.dispatchQueued = false;
          this.dispatch();
        });
      }
    };
  }

  /** How long the client's current request waited for a free connection after it was due (ms). */
  waitMs(client: PacedClient): number {
    return this.waitOf.get(client) ?? 0;
  }

  /** Tickets due by now (ticket 0 is due at t0). */
  private dueBy(now: number): number {
    return Math.floor((now - this.t0) / this.intervalMs) + 1;
  }

  private dispatch(): void {
    const now = this.clock.now();
    const due = this.dueBy(now);
    while (this.idle.length > 0 && this.sent < due && !this.stopped) {
      const client = this.idle.shift()!;
      const dueAt = this.t0 + this.sent * this.intervalMs;
      const freeAt = this.freeSince.get(client)!;
      this.freeSince.delete(client);
      this.waitOf.set(client, Math.max(0, freeAt - dueAt));
      // A connection that cannot send (it is closing) leaves the ticket due; it gets back in line when it reconnects.
      if (this.sendOf.get(client)!() === false) continue;
      this.sent++;
      this.lags.recordMs(now - Math.max(dueAt, freeAt));
    }
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.t0 + this.dueBy(this.clock.now()) * this.intervalMs;
    this.cancelTimer = this.clock.after(Math.max(0, next - this.clock.now()), () => {
      this.dispatch();
      this.arm();
    });
  }

  /** The generator's own lateness in sending, apart from the service's waits. */
  lag(): ScheduleLag {
    if (this.lags.count === 0) return { p99Ms: 0, maxMs: 0 };
    const { p99, max } = this.lags.summary();
    return { p99Ms: p99, maxMs: max };
  }

  /** The lateness histogram itself, for merging worker threads' schedules. */
  lagLatency(): LatencyRecorder {
    return this.lags;
  }

  /** Stops issuing tickets and says what was left due but unsent. */
  stop(): Backlog {
    if (!this.stopped) {
      this.stopped = true;
      this.cancelTimer?.();
    }
    const now = this.clock.now();
    // A due ticket while a connection sits idle is only the timer running late, not a backlog.
    const unsent = this.idle.length > 0 ? 0 : Math.max(0, this.dueBy(now) - this.sent);
    const oldestWaitMs = unsent > 0 ? now - (this.t0 + this.sent * this.intervalMs) : 0;
    return { unsent, oldestWaitMs };
  }
}

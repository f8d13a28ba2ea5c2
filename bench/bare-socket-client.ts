// The floor of any generator written for Node on this machine: a bare keep-alive HTTP/1.1 client on `net` sockets
// with no framework, one fixed GET per connection at a time, responses framed by Content-Length only, each latency
// into the same µs HdrHistogram perfgate uses. It counts nothing else and checks nothing (no outcome kinds, no
// timeouts, no chunked bodies), so it is not a generator: it shows how close Node can get to wrk on the same
// target, and so what is perfgate's own cost and what is the runtime's.
// Usage: node bench/bare-socket-client.ts URL CONNECTIONS SECONDS  → prints {"requests","durationMs","p50","p99"}.
import * as hdr from 'hdr-histogram-js';
import net from 'node:net';

const [url, connectionsArg, secondsArg] = process.argv.slice(2);
const origin = new URL(url!);
const request = Buffer.from(`GET / HTTP/1.1\r\nHost: ${origin.host}\r\n\r\n`);
const latency = hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 });
const readBuffer = Buffer.allocUnsafe(64 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');
let requests = 0;
let sending = true;

function connection(): void {
  let sentAt = 0;
  let head = ''; // a head split across reads
  let bodyLeft = -1; // -1: reading the head
  const send = () => {
    if (!sending) return void socket.end();
    sentAt = performance.now();
    socket.write(request);
  };
  const completed = () => {
    latency.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
    requests++;
    bodyLeft = -1;
    send();
  };
  const read = (bytes: number, buffer: Uint8Array): boolean => {
    const chunk = (buffer as Buffer).subarray(0, bytes);
    let at = 0;
    while (at < chunk.length) {
      if (bodyLeft < 0) {
        const end = chunk.indexOf(HEADER_END, at);
        if (end < 0) {
          head += chunk.toString('latin1', at);
          return true;
        }
        head += chunk.toString('latin1', at, end);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        bodyLeft = length ? Number(length[1]) : 0;
        head = '';
        at = end + 4;
        if (bodyLeft === 0) {
          completed();
          continue;
        }
      }
      const take = Math.min(bodyLeft, chunk.length - at);
      bodyLeft -= take;
      at += take;
      if (bodyLeft === 0) completed();
    }
    return true;
  };
  const socket = net.connect({
    port: Number(origin.port),
    host: origin.hostname,
    noDelay: true,
    onread: { buffer: readBuffer, callback: read },
  });
  socket.on('connect', send);
  socket.on('error', (error) => {
    console.error(`bare socket client: ${error.message}`);
    process.exit(1);
  });
}

for (let i = 0; i < Number(connectionsArg); i++) connection();
const started = performance.now();
setTimeout(
  () => {
    sending = false;
    const durationMs = performance.now() - started;
    console.log(
      JSON.stringify({ requests, durationMs, p50: latency.getValueAtPercentile(50) / 1000, p99: latency.getValueAtPercentile(99) / 1000 }),
    );
    process.exit(0);
  },
  Number(secondsArg) * 1000,
);

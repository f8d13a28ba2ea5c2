// The benchmark target: a minimal node:http server in its own process, answering a small fixed body.
import http from 'node:http';

// PAD_BYTES pads the JSON body (bench:checks parses bodies of both sizes).
const pad = Number(process.env.PAD_BYTES ?? 0);
const body = Buffer.from(pad > 0 ? JSON.stringify({ ok: true, pad: 'x'.repeat(pad) }) : '{"ok":true}');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

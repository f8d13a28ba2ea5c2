// The example service perfgate dogfoods: posts stored in Postgres, the list cached in Redis, and knobs
// (environment variables) that slow it down or break it, for tests and for demonstrating a regression.
import http from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';

const env = process.env;
const PORT = Number(env.PORT ?? 5000);
const SLOW_MS = Number(env.SLOW_MS ?? 0); // extra latency on every request
const CPU_BURN_US = Number(env.CPU_BURN_US ?? 0); // extra CPU work on every request
const TAIL_SLOW_PCT = Number(env.TAIL_SLOW_PCT ?? 0); // this share of requests (0..100) gets TAIL_SLOW_MS more
const TAIL_SLOW_MS = Number(env.TAIL_SLOW_MS ?? 0);
const FAIL_RATE = Number(env.FAIL_RATE ?? 0); // this share (0..1) of requests answers 500
const RESET_RATE = Number(env.RESET_RATE ?? 0); // this share (0..1) of requests gets its connection reset, no answer
const EXTRA_QUERIES = Number(env.EXTRA_QUERIES ?? 0); // an N+1: the list then reads each of its first N posts' titles, one SELECT each
const CACHE_BYPASS = env.CACHE_BYPASS === '1'; // a lost cache: the list is looked up in Redis but never stored there
const CACHE_TTL_S = Number(env.CACHE_TTL_S ?? 5); // how long the cached list lives (a test sets it long: every request then hits)
const CACHE_KEY = 'posts:list';

if (env.CRASH_ON_START === '1') {
  console.error('CRASH_ON_START=1: exiting before listening, as a broken release would');
  process.exit(1);
}

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
const cache = createClient({ url: env.REDIS_URL });
cache.on('error', (error) => console.error('redis:', error.message));
await cache.connect();

let served = 0;
const every = (share) => share > 0 && served % Math.max(1, Math.round(1 / share)) === 0;

function burn(microseconds) {
  const until = process.hrtime.bigint() + BigInt(Math.round(microseconds * 1000));
  while (process.hrtime.bigint() < until);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function listPosts() {
  const posts = await cachedList();
  for (const post of posts.slice(0, EXTRA_QUERIES)) await db.query('SELECT title FROM posts WHERE id = $1', [post.id]);
  return posts;
}

async function cachedList() {
  const cached = await cache.get(CACHE_KEY);
  if (cached) return JSON.parse(cached);
  const { rows } = await db.query('SELECT id, title, created_at FROM posts ORDER BY id DESC LIMIT 20');
  if (!CACHE_BYPASS) await cache.set(CACHE_KEY, JSON.stringify(rows), { EX: CACHE_TTL_S });
  return rows;
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/health') {
    if (env.NEVER_READY === '1') return send(res, 503, { status: 'never ready (NEVER_READY=1)' });
    await db.query('SELECT 1');
    await cache.ping();
    return send(res, 200, { status: 'ok' });
  }
  served++;
  if (SLOW_MS > 0) await sleep(SLOW_MS);
  if (TAIL_SLOW_PCT > 0 && every(TAIL_SLOW_PCT / 100)) await sleep(TAIL_SLOW_MS);
  if (CPU_BURN_US > 0) burn(CPU_BURN_US);
  if (FAIL_RATE > 0 && every(FAIL_RATE)) return send(res, 500, { error: 'injected failure (FAIL_RATE)' });
  if (RESET_RATE > 0 && every(RESET_RATE)) return req.socket.resetAndDestroy();

  if (url.pathname === '/api/v1/posts' && req.method === 'GET') return send(res, 200, await listPosts());
  if (url.pathname === '/api/v1/posts' && req.method === 'POST') {
    let title;
    try {
      title = JSON.parse(await readBody(req)).title;
    } catch {
      return send(res, 400, { error: 'expected a JSON body like {"title": "…"}' });
    }
    if (typeof title !== 'string' || title.length === 0) return send(res, 400, { error: 'title is required' });
    const { rows } = await db.query('INSERT INTO posts (title) VALUES ($1) RETURNING id, title, created_at', [title]);
    await cache.del(CACHE_KEY);
    return send(res, 201, rows[0]);
  }
  return send(res, 404, { error: 'not found' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, { error: 'internal error' });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, () => console.log(`listening on ${PORT}`));

const shutdown = () => server.close(() => Promise.allSettled([db.end(), cache.quit()]).then(() => process.exit(0)));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

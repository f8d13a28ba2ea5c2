// A stand-in for the GitHub REST API on 127.0.0.1 — the one thing the tests cannot reach for real. It serves
// the issue-comment endpoints perfgate calls, fails the way GitHub fails (read-only tokens, 404, 422, 5xx,
// rate limits), and checks every request it receives and every response it sends against GitHub's own
// OpenAPI description: `violations` must stay empty. It also answers the one GraphQL query perfgate sends,
// `query { viewer { login } }`, as GitHub does: for an installation token, its bot (`github-actions[bot]`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { example, operation, type OperationValidator } from './openapi.ts';

export interface FakeUser {
  login: string;
  id: number;
  type: 'Bot' | 'User';
}

export interface FakeToken {
  user: FakeUser;
  /** The token of a pull request from a fork: reads work, writes get 403. */
  readOnly?: boolean;
}

export interface StoredComment {
  id: number;
  repository: string;
  issue: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
}

export interface InjectedFailure {
  method?: string;
  /** Matches when the request path contains this. */
  path?: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  message: string;
  /** How many requests it fails (default 1). */
  times?: number;
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const OTHER_USER: FakeUser = { login: 'octocat', id: 583231, type: 'User' };
/** Another GitHub App's bot, with its own token: a bot, but not perfgate's token's identity. */
export const OTHER_BOT: FakeUser = { login: 'renovate[bot]', id: 29139614, type: 'Bot' };

/** The one GraphQL document perfgate sends (whitespace aside). */
const VIEWER_QUERY = /^\s*query\s*\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/;

const LIST = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const ONE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const USER = '/user';
const PULL = '/repos/{owner}/{repo}/pulls/{pull_number}';
const MAX_BODY = 65_536;
const DOCS = 'https://docs.github.com/rest';

const validators = new Map<string, OperationValidator>();
function validatorFor(method: string, path: string): OperationValidator {
  const key = `${method} ${path}`;
  let v = validators.get(key);
  if (!v) validators.set(key, (v = operation(method, path)));
  return v;
}

/** A TCP server that accepts connections and never answers, not even with a status line. */
export async function silentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export class FakeGitHub {
  readonly tokens = new Map<string, FakeToken>();
  readonly comments = new Map<number, StoredComment>();
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  /** "owner/repo#n" → the PR's head commit. */
  readonly pullRequests = new Map<string, { headSha: string }>();
  /** Where html_url points (a GHES server URL in GHES tests). */
  serverUrl = 'https://github.com';
  private readonly failures: InjectedFailure[] = [];
  private nextId = 1_000_000;
  private clock = Date.parse('2026-11-24T10:00:00Z');
  private server!: Server;
  url = '';

  static async start(options: { prefix?: string } = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub();
    fake.tokens.set('bot-token', { user: ACTIONS_BOT });
    fake.tokens.set('fork-token', { user: ACTIONS_BOT, readOnly: true });
    fake.tokens.set('user-token', { user: OTHER_USER });
    fake.tokens.set('other-bot-token', { user: OTHER_BOT });
    fake.server = createServer((req, res) => void fake.handle(req, res, options.prefix ?? ''));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}${options.prefix ?? ''}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addPullRequest(repository: string, number: number, headSha = 'c'.repeat(40)): void {
    this.pullRequests.set(`${repository}#${number}`, { headSha });
  }

  /** Adds comments as other people (or `user`) would have written them, before perfgate runs. */
  seedComments(
    repository: string,
    issue: number,
    count: number,
    make: (i: number) => { body: string; user?: FakeUser } = (i) => ({ body: `comment ${i}` }),
  ): void {
    for (let i = 0; i < count; i++) {
      const { body, user } = make(i);
      this.store(repository, issue, body, user ?? OTHER_USER);
    }
  }

  failNext(failure: InjectedFailure): void {
    this.failures.push({ times: 1, ...failure });
  }

  commentsOn(repository: string, issue: number): StoredComment[] {
    return [...this.comments.values()].filter((c) => c.repository === repository && c.issue === issue).sort((a, b) => a.id - b.id);
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => (r.method === 'POST' || r.method === 'PATCH') && !r.path.endsWith('/graphql'));
  }

  private store(repository: string, issue: number, body: string, user: FakeUser): StoredComment {
    const now = new Date((this.clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const comment = { id: this.nextId++, repository, issue, body, user, createdAt: now, updatedAt: now };
    this.comments.set(comment.id, comment);
    return comment;
  }

  private apiBase(req: IncomingMessage, prefix: string): string {
    return `http://${req.headers.host}${prefix}`;
  }

  private simpleUser(user: FakeUser, base: string) {
    const u = `${base}/users/${encodeURIComponent(user.login)}`;
    return {
      login: user.login,
      id: user.id,
      node_id: Buffer.from(`04:User${user.id}`).toString('base64'),
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      gravatar_id: '',
      url: u,
      html_url: `${this.serverUrl}/${user.type === 'Bot' ? 'apps/github-actions' : user.login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: user.type,
      site_admin: false,
    };
  }

  private commentJson(c: StoredComment, base: string) {
    return {
      id: c.id,
      node_id: Buffer.from(`012:IssueComment${c.id}`).toString('base64'),
      url: `${base}/repos/${c.repository}/issues/comments/${c.id}`,
      html_url: `${this.serverUrl}/${c.repository}/pull/${c.issue}#issuecomment-${c.id}`,
      body: c.body,
      user: this.simpleUser(c.user, base),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      issue_url: `${base}/repos/${c.repository}/issues/${c.issue}`,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
      performed_via_github_app: null,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse, prefix: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data));
    });
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`${method} ${path}: request body is not JSON`);
      }
    }
    const record: RecordedRequest = { method, path, query, body, status: 0 };
    this.requests.push(record);
    const base = this.apiBase(req, prefix);
    // GitHub serves GraphQL at /graphql; GitHub Enterprise Server at /api/graphql beside its /api/v3.
    if (url.pathname === (/\/api\/v3$/.test(prefix) ? prefix.replace(/\/api\/v3$/, '/api/graphql') : `${prefix}/graphql`)) {
      return this.graphql(req, res, method, body, record);
    }

    let template: string | undefined;
    let match: RegExpExecArray | null;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (template) this.violations.push(...validatorFor(method, template).response(status, payload));
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(this.clock / 1000) + 3600),
        'x-ratelimit-used': '1',
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
      });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}) =>
      send(status, { message, documentation_url: DOCS, status: String(status) }, headers);

    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) template = LIST;
    else if ((match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path))) template = ONE;
    else if ((match = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(path))) template = PULL;
    else if (path === USER) template = USER;
    if (!template || (template !== USER && !match)) {
      this.violations.push(`${method} ${path}: perfgate called an endpoint the fake does not serve`);
      return error(404, 'Not Found');
    }
    let validator: OperationValidator;
    try {
      validator = validatorFor(method, template);
    } catch (e) {
      this.violations.push((e as Error).message);
      template = undefined;
      return error(404, 'Not Found');
    }
    this.violations.push(...validator.request(method === 'GET' ? undefined : body));
    for (const [name, value] of Object.entries(query)) {
      const numeric = /^\d+$/.test(value) ? Number(value) : value;
      this.violations.push(...validator.query(name, numeric));
    }

    const failure = this.failures.find(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))),
    );
    if (failure) {
      if (--failure.times! <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return error(failure.status, failure.message, failure.headers);
    }

    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = auth ? this.tokens.get(auth) : undefined;
    if (!token) return error(401, 'Bad credentials');

    if (template === USER) {
      if (method !== 'GET') return error(404, 'Not Found');
      // Installation tokens (GITHUB_TOKEN) have no user behind them.
      if (token.user.type === 'Bot') return error(403, 'Resource not accessible by integration');
      const user = example('private-user-response-with-public-profile-information');
      Object.assign(user, this.simpleUser(token.user, base), { name: token.user.login });
      return send(200, user);
    }

    const repository = `${match![1]}/${match![2]}`;
    const id = Number(match![3]);

    if (template === PULL) {
      const pr = this.pullRequests.get(`${repository}#${id}`);
      if (method !== 'GET' || !pr) return error(404, 'Not Found');
      const data = example('pull-request');
      const [owner, repo] = repository.split('/');
      data.number = id;
      data.head.sha = pr.headSha;
      // GitHub's own example lists a team without its required `type`; no reviewers keeps it valid.
      data.requested_teams = [];
      data.base.repo.full_name = repository;
      data.base.repo.name = repo;
      data.base.repo.owner.login = owner;
      data.url = `${base}/repos/${repository}/pulls/${id}`;
      data.html_url = `${this.serverUrl}/${repository}/pull/${id}`;
      return send(200, data);
    }

    if (template === LIST) {
      if (!this.pullRequests.has(`${repository}#${id}`)) return error(404, 'Not Found');
      if (method === 'GET') {
        const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
        const page = Math.max(1, Number(query.page ?? 1));
        const all = this.commentsOn(repository, id);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const link = (p: number, rel: string) =>
          `<${base}/repos/${repository}/issues/${id}/comments?per_page=${perPage}&page=${p}>; rel="${rel}"`;
        const links: string[] = [];
        if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
        return send(
          200,
          slice.map((c) => this.commentJson(c, base)),
          links.length ? { link: links.join(', ') } : {},
        );
      }
      if (method === 'POST') {
        if (token.readOnly) return error(403, 'Resource not accessible by integration');
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string' || text.length > MAX_BODY) return this.tooLong(send, text);
        const comment = this.store(repository, id, text, token.user);
        return send(201, this.commentJson(comment, base), { location: `${base}/repos/${repository}/issues/comments/${comment.id}` });
      }
      return error(404, 'Not Found');
    }

    const comment = this.comments.get(id);
    if (!comment || comment.repository !== repository) return error(404, 'Not Found');
    if (method === 'GET') return send(200, this.commentJson(comment, base));
    if (method === 'PATCH') {
      if (token.readOnly) return error(403, 'Resource not accessible by integration');
      const text = (body as { body?: unknown } | undefined)?.body;
      if (typeof text !== 'string' || text.length > MAX_BODY) return this.tooLong(send, text);
      comment.body = text;
      comment.updatedAt = new Date((this.clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return send(200, this.commentJson(comment, base));
    }
    return error(404, 'Not Found');
  }

  /** GraphQL: a POST of `{ query, variables? }`; the answer is `{ data }` or, for a bad token, a REST-style 401. */
  private graphql(req: IncomingMessage, res: ServerResponse, method: string, body: unknown, record: RecordedRequest): void {
    const send = (status: number, payload: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    };
    const request = body as { query?: unknown; variables?: unknown } | undefined;
    if (method !== 'POST' || typeof request?.query !== 'string') {
      this.violations.push(`${method} /graphql: expected a POST of { query }`);
      return send(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
    }
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = auth ? this.tokens.get(auth) : undefined;
    if (!token) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/graphql' });
    if (!VIEWER_QUERY.test(request.query)) {
      this.violations.push(`POST /graphql: perfgate sent a query the fake does not serve: ${request.query.slice(0, 200)}`);
      return send(200, { errors: [{ message: 'unsupported by the fake' }] });
    }
    // An installation token's viewer is its bot, spelled as REST spells a comment's author: `github-actions[bot]`.
    return send(200, { data: { viewer: { login: token.user.login } } });
  }

  private tooLong(send: (status: number, payload: unknown) => void, text: unknown): void {
    const message = typeof text === 'string' ? `body is too long (maximum is ${MAX_BODY} characters)` : "body wasn't supplied.";
    send(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }],
      documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
      status: '422',
    });
  }
}

// Validates requests and responses against GitHub's own REST description (@octokit/openapi), so the fake
// API cannot drift from the real one: a field the fake forgets or the client misnames fails the tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as FormatsPlugin;

type Json = Record<string, any>;

interface Spec {
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
}

let cached: { spec: Spec; ajv: Ajv } | undefined;

function load(): { spec: Spec; ajv: Ajv } {
  if (cached) return cached;
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  // The document is OpenAPI, not JSON Schema: skip meta-validation; unknown keywords (example, discriminator
  // with mapping) are ignored. OpenAPI's `nullable: true` is understood by Ajv itself.
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec as unknown as Json, 'github');
  cached = { spec, ajv };
  return cached;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function deref(spec: Spec, node: Json): { node: Json; at: string } | undefined {
  if (typeof node.$ref === 'string') {
    const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(node.$ref) ?? [];
    const target = kind && name ? spec.components[kind]?.[name] : undefined;
    return target ? { node: target, at: `/components/${pointer(kind!, name!)}` } : undefined;
  }
  return undefined;
}

export interface OperationValidator {
  /** Problems with a request body, [] when it conforms. */
  request(body: unknown): string[];
  /** Problems with a query parameter value (already coerced to its schema type). */
  query(name: string, value: unknown): string[];
  /** Problems with a response: its status must be documented (or be a generic GitHub error) and its body conform. */
  response(status: number, body: unknown): string[];
}

const compiled = new Map<string, ValidateFunction>();

function validator(ajv: Ajv, at: string): ValidateFunction {
  let fn = compiled.get(at);
  if (!fn) {
    fn = ajv.compile({ $ref: `github#${at}` });
    compiled.set(at, fn);
  }
  return fn;
}

function check(fn: ValidateFunction, data: unknown, what: string): string[] {
  if (fn(data)) return [];
  return (fn.errors ?? []).map((e) => `${what}: ${e.instancePath || '/'} ${e.message}`);
}

/** Statuses GitHub can return from any endpoint even when an operation does not list them. */
const GENERIC_ERRORS = new Set([401, 403, 404, 422, 429, 500, 502, 503]);

export function operation(method: string, path: string): OperationValidator {
  const { spec, ajv } = load();
  const op = spec.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in GitHub's REST description`);
  const opAt = `/paths/${pointer(path)}/${method.toLowerCase()}`;
  const name = `${method.toUpperCase()} ${path}`;

  return {
    request(body) {
      const content = op.requestBody?.content?.['application/json'];
      if (!content) return body === undefined ? [] : [`${name}: takes no request body`];
      return check(validator(ajv, `${opAt}/requestBody/content/application~1json/schema`), body, `${name} request`);
    },
    query(paramName, value) {
      const params: Json[] = op.parameters ?? [];
      for (const param of params) {
        const resolved = deref(spec, param) ?? { node: param, at: '' };
        if (resolved.node.name !== paramName || resolved.node.in !== 'query') continue;
        const at = resolved.at || `${opAt}/parameters/${params.indexOf(param)}`;
        return check(validator(ajv, `${at}/schema`), value, `${name} ?${paramName}`);
      }
      return [`${name}: unknown query parameter ${paramName}`];
    },
    response(status, body) {
      let response = op.responses?.[String(status)] as Json | undefined;
      let at = `${opAt}/responses/${status}`;
      if (!response) {
        if (!GENERIC_ERRORS.has(status)) return [`${name}: status ${status} is not documented`];
        return check(validator(ajv, '/components/schemas/basic-error'), body, `${name} ${status}`);
      }
      const resolved = deref(spec, response);
      if (resolved) ({ node: response, at } = resolved);
      if (!response.content?.['application/json'])
        return body === undefined || body === '' ? [] : [`${name} ${status}: documented without a body`];
      return check(validator(ajv, `${at}/content/application~1json/schema`), body, `${name} ${status}`);
    },
  };
}

/** An example value from the description (e.g. a full user object), deep-copied. */
export function example(name: string): Json {
  const { spec } = load();
  const value = spec.components.examples?.[name]?.value;
  if (!value) throw new Error(`no example ${name}`);
  return structuredClone(value);
}

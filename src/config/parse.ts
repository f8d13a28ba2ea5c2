// Step 2 of loading: YAML text → plain data and the Positions of its nodes, or the YAML errors as issues.
// Hostile input stays a config error at its line: nesting deeper than MAX_DEPTH is refused before the (recursive)
// composer sees it, aliases must name an earlier anchor outside themselves and expand to at most MAX_ALIAS_NODES
// nodes in all (no billion laughs), and keys that are JavaScript's own names (__proto__, constructor, prototype)
// are refused where they are written.
import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  parseDocument,
  YAMLParseError,
  type CST,
  type Document,
  type Node,
  type Scalar,
  type YAMLError,
} from 'yaml';
import type { ConfigIssue } from '../errors.ts';
import { Positions } from './positions.ts';

export type Parsed = { ok: true; data: Record<string, unknown>; pos: Positions } | { ok: false; issues: ConfigIssue[] };

/** Mappings and lists inside each other, at most (a perf file needs about 6; a request's json: body a few more). */
export const MAX_DEPTH = 64;
/** Nodes that aliases may add to a file, in all: an alias counts the nodes it stands for. */
export const MAX_ALIAS_NODES = 10_000;
/** Keys that name JavaScript's own properties: never data. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseYaml(file: string, source: string): Parsed {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(source));
  const fail = (offset: number, message: string): Parsed => ({
    ok: false,
    issues: [{ at: { file, ...lines.linePos(offset) }, path: '', message }],
  });
  const deep = tooDeep(tokens);
  if (deep !== undefined) return fail(deep, `YAML nested too deeply: more than ${MAX_DEPTH} levels of mappings and lists`);
  // The yaml package's own duplicate-key check compares each key with every earlier key of its mapping, which is
  // quadratic; duplicateKeys finds the same keys in one pass (the source tokens place its errors as the package does).
  const doc = compose(tokens, source.length);
  const pos = new Positions(file, doc, lines, source);
  const errors = yamlErrors(source, doc.errors, duplicateKeys(doc.contents));
  if (errors.length > 0) {
    return {
      ok: false,
      issues: errors.map((error) => {
        const duplicate = error.code === 'DUPLICATE_KEY';
        const message = duplicate
          ? 'this key appears twice in the same mapping'
          : error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return { at: pos.at(error.offset), path: '', message: `YAML ${duplicate ? 'duplicate key' : 'syntax error'}: ${message}` };
      }),
    };
  }
  const problems = nodeProblems(doc.contents);
  if (problems.length > 0) return { ok: false, issues: problems.map((p) => ({ at: pos.at(p.offset), path: '', message: p.message })) };
  let data: unknown;
  try {
    // nodeProblems bounds what aliases add; the package's own count is the backstop.
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_NODES });
  } catch (error) {
    const offset = firstAlias(doc.contents) ?? 0;
    return fail(offset, `YAML aliases: ${error instanceof Error ? error.message : String(error)}; write the values out instead`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      issues: [{ at: pos.at(0), path: '', message: 'expected a mapping with version: 1 and scenarios: (see docs/config.md)' }],
    };
  }
  return { ok: true, data: data as Record<string, unknown>, pos };
}

/** The package's parseDocument, from tokens already parsed: the first document, and an error if there are more. */
function compose(tokens: CST.Token[], end: number): Document.Parsed {
  // logLevel 'error': the package's warnings would go to process.emitWarning (stderr); problems are issues here.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, keepSourceTokens: true, logLevel: 'error' });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, end)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use one per file'),
      );
      break;
    }
  }
  return doc!;
}

/** The offset of the first collection nested deeper than MAX_DEPTH, found without recursion. */
function tooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: Array<[CST.Token | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') stack.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= MAX_DEPTH) return token.offset;
      for (const item of token.items) {
        if ('key' in item) stack.push([item.key ?? undefined, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Aliases and keys that would not become plain data, in document order: an alias with no anchor before it, an alias
 * inside the node it names (an endless value), aliases adding more than MAX_ALIAS_NODES nodes, a reserved key.
 * Runs on a document no deeper than MAX_DEPTH, so recursing is safe.
 */
function nodeProblems(root: unknown): Array<{ offset: number; message: string }> {
  const problems: Array<{ offset: number; message: string }> = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let added = 0;
  const visit = (node: unknown): number => {
    if (!node || typeof node !== 'object') return 1;
    const at = (node as Node).range?.[0] ?? 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) problems.push({ offset: at, message: `YAML alias *${node.source} has no anchor &${node.source} before it` });
      else if (open.has(target))
        problems.push({ offset: at, message: `YAML alias *${node.source} is inside the node it names, which makes an endless value` });
      else {
        const size = sizes.get(target) ?? 1;
        if (added <= MAX_ALIAS_NODES && added + size > MAX_ALIAS_NODES) {
          problems.push({
            offset: at,
            message: `YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes here (an alias bomb?); write the values out instead`,
          });
        }
        added += size;
        return size;
      }
      return 1;
    }
    const anchor = (node as Node).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    open.add(node as Node);
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key;
        if (key !== null && !isScalar(key)) {
          // JavaScript objects have only string keys: a list or mapping as a key would become its text.
          problems.push({ offset: (key as Node).range?.[0] ?? at, message: 'a key must be a plain name, not a list, mapping or alias' });
        } else if (isScalar(key) && typeof key.value === 'string' && RESERVED_KEYS.has(key.value)) {
          problems.push({
            offset: (key as Node).range?.[0] ?? at,
            message: `the key "${key.value}" is not allowed (a reserved JavaScript name); remove or rename it`,
          });
        }
        size += visit(pair.key) + visit(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) size += visit(item);
    open.delete(node as Node);
    // Capped: a bomb's sizes grow exponentially, and only whether they pass the bound matters.
    size = Math.min(size, MAX_ALIAS_NODES + 1);
    if (anchor) sizes.set(node as Node, size);
    return size;
  };
  visit(root);
  return problems;
}

function firstAlias(root: unknown): number | undefined {
  const stack: unknown[] = [root];
  let first: number | undefined;
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) first = Math.min(first ?? Infinity, node.range?.[0] ?? 0);
    else if (isMap(node)) for (const pair of node.items) stack.push(pair.key, pair.value);
    else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  return first;
}

interface YamlError {
  code: string;
  message: string;
  offset: number;
}

/**
 * The errors the yaml package reports with uniqueKeys on, in its order, found in one pass: its own check compares
 * each key with every earlier one (25,000 keys beside a syntax error took 7 s). Only a duplicate that cannot be
 * placed from its tokens, in a file of at most 64 KB, is left to the package (a second, quadratic parse).
 */
function yamlErrors(source: string, syntax: ReadonlyArray<YAMLError>, duplicates: Duplicate[]): YamlError[] {
  const placed = duplicates.every((d) => d.offset !== undefined);
  if (duplicates.length === 0 || (syntax.length === 0 && placed)) {
    return [
      ...syntax.map((error) => ({ code: error.code, message: error.message, offset: error.pos[0] })),
      ...duplicates.map((d) => ({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', offset: d.offset! })),
    ];
  }
  if (!placed && source.length <= 65_536) {
    // A duplicate the tokens cannot place, in a small file: the package's own (quadratic) check places it.
    const checked = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
    return checked.errors.map((error) => ({ code: error.code, message: error.message, offset: error.pos[0] }));
  }
  // Syntax errors and duplicates in the order the package's composer meets them (a stable sort keeps ties in order).
  return [
    ...syntax.map((error) => ({ code: error.code, message: error.message, offset: error.pos[0], order: error.pos[0] })),
    ...duplicates.map((d) => ({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', offset: d.offset ?? d.order, order: d.order })),
  ]
    .sort((a, b) => a.order - b.order)
    .map(({ code, message, offset }) => ({ code, message, offset }));
}

interface Duplicate {
  /** Where the package reports it: the end of the tokens before the key, else where the previous item ended. */
  offset: number | undefined;
  /** Where the package's composer meets it, to interleave it with syntax errors in the package's order. */
  order: number;
}

const tokenEnd = (tokens: ReadonlyArray<{ offset: number; source: string }> | undefined) => {
  const last = tokens?.[tokens.length - 1];
  return last ? last.offset + last.source.length : undefined;
};

/**
 * Keys equal to an earlier key of the same mapping (scalars with === values, as the yaml package compares them), in
 * the order the package composes them: a block mapping checks a key before composing its value, a flow mapping after.
 * Needs a document parsed with keepSourceTokens.
 */
function duplicateKeys(root: unknown): Duplicate[] {
  const found: Duplicate[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      // A block mapping item with no tokens before its key starts where the previous item's value ended.
      let offset: number | undefined = node.range?.[0];
      for (const pair of node.items) {
        const item = (pair as { srcToken?: CST.CollectionItem }).srcToken;
        const keyStart = tokenEnd(item?.start) ?? (node.flow || !item ? undefined : offset);
        const check = () => {
          const key = pair.key;
          if (!isScalar(key)) return;
          const value = (key as Scalar).value;
          if (typeof value === 'number' && Number.isNaN(value)) return; // NaN !== NaN: never a duplicate
          if (!seen.has(value)) seen.add(value);
          else {
            // When the package reports it among other errors: a block key as it starts, a flow key after its value.
            const keyNode = pair.key as Node;
            const valueNode = pair.value as Node | null;
            const order = node.flow ? (valueNode?.range?.[2] ?? keyNode.range?.[2]) : (keyStart ?? keyNode.range?.[0]);
            found.push({ offset: keyStart, order: order ?? 0 });
          }
        };
        visit(pair.key);
        if (!node.flow) check();
        visit(pair.value);
        if (node.flow) check();
        const value = pair.value as Node | null;
        offset = value ? value.range?.[2] : (tokenEnd(item?.sep) ?? (pair.key as Node | null)?.range?.[2]);
      }
    } else if (isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(root);
  return found;
}

// Step 2 of loading: YAML text → plain data and the Positions of its nodes, or the YAML errors as issues.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type CST, type Node, type Scalar, type YAMLError } from 'yaml';
import type { ConfigIssue } from '../errors.ts';
import { Positions } from './positions.ts';

export type Parsed = { ok: true; data: Record<string, unknown>; pos: Positions } | { ok: false; issues: ConfigIssue[] };

export function parseYaml(file: string, source: string): Parsed {
  const lines = new LineCounter();
  // The yaml package's own duplicate-key check compares each key with every earlier key of its mapping, which is
  // quadratic; duplicateKeys finds the same keys in one pass (the source tokens place its errors as the package does).
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, keepSourceTokens: true });
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
  const data = doc.toJS() as unknown;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      issues: [{ at: pos.at(0), path: '', message: 'expected a mapping with version: 1 and scenarios: (see docs/config.md)' }],
    };
  }
  return { ok: true, data: data as Record<string, unknown>, pos };
}

interface YamlError {
  code: string;
  message: string;
  offset: number;
}

/**
 * The errors the yaml package reports with uniqueKeys on, in its order. Duplicates among syntax errors, or one that
 * cannot be placed from its tokens, are left to the package (a second, quadratic parse, only for such a file).
 */
function yamlErrors(source: string, syntax: ReadonlyArray<YAMLError>, duplicates: Duplicate[]): YamlError[] {
  const placed = duplicates.every((d) => d.offset !== undefined);
  if (duplicates.length === 0 || (syntax.length === 0 && placed)) {
    return [
      ...syntax.map((error) => ({ code: error.code, message: error.message, offset: error.pos[0] })),
      ...duplicates.map((d) => ({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', offset: d.offset! })),
    ];
  }
  const checked = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  return checked.errors.map((error) => ({ code: error.code, message: error.message, offset: error.pos[0] }));
}

interface Duplicate {
  /** Where the package reports it: the end of the tokens before the key, else where the previous item ended. */
  offset: number | undefined;
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
          if (seen.has(value)) found.push({ offset: keyStart });
          else seen.add(value);
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

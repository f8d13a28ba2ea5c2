// Where something was written: a key path in the parsed YAML → file:line:col. Each mapping's keys are indexed
// once, on first lookup, so finding a path costs one Map lookup per segment whatever the mapping's size.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceLocation } from './types.ts';

/** A key path as zod reports it: mapping keys and sequence indexes, e.g. ['scenarios', 0, 'budgets', 'p99']. */
export type Segments = ReadonlyArray<PropertyKey>;

/** The path as written in messages, e.g. scenarios[0].budgets.p99. */
export function keyPath(segments: Segments): string {
  return segments.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${String(s)}` : String(s)), '');
}

export class Positions {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly source: string;
  /** Per mapping: each key (as a string) → its first pair, as a linear search of the items would find it. */
  readonly #keys = new WeakMap<YAMLMap, Map<string, Pair>>();
  constructor(file: string, doc: Document, lines: LineCounter, source: string) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
    this.source = source;
  }

  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** The node at a path, or the deepest existing ancestor (`exact` false). `key` = the key instead of the value. */
  find(segments: Segments, key = false): { node?: Node; offset: number; exact: boolean } {
    let current: unknown = this.doc.contents;
    let offset = (this.doc.contents as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (isMap(current)) {
        const pair = this.#pairs(current).get(String(segment));
        if (!pair) return { node: current, offset, exact: false };
        const last = i === segments.length - 1;
        const keyNode = pair.key as Node;
        if (last && key) return { node: keyNode, offset: keyNode.range?.[0] ?? offset, exact: true };
        const valueNode = pair.value as Node | null;
        offset = valueNode?.range?.[0] ?? keyNode.range?.[0] ?? offset;
        current = valueNode ?? keyNode;
      } else if (isSeq(current) && typeof segment === 'number') {
        const item = current.items[segment] as Node | undefined;
        if (!item) return { node: current, offset, exact: false };
        offset = item.range?.[0] ?? offset;
        current = item;
      } else return { node: current as Node, offset, exact: false };
    }
    return { node: current as Node, offset, exact: true };
  }

  of(segments: Segments, key = false): SourceLocation {
    return this.at(this.find(segments, key).offset);
  }

  /** Position of `${…}` at `index` inside the string value at `segments` (quoted or plain, single line). */
  ofReference(segments: Segments, value: string, index: number): SourceLocation {
    const { node, offset } = this.find(segments);
    if (node && isScalar(node) && node.range) {
      const raw = this.source.slice(node.range[0], node.range[1]);
      const start = raw.indexOf(value.slice(index, index + 2) === '${' ? value.slice(index, value.indexOf('}', index) + 1) : value);
      if (start >= 0) return this.at(node.range[0] + start);
    }
    return this.at(offset);
  }

  #pairs(map: YAMLMap): Map<string, Pair> {
    let index = this.#keys.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const name = String(item.key.value);
        if (!index.has(name)) index.set(name, item);
      }
      this.#keys.set(map, index);
    }
    return index;
  }
}

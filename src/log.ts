// Progress and diagnostics, written to stderr so stdout stays clean for tables.
// The action entry swaps in a Log backed by @actions/core (groups, annotations); nothing else needs to care.

export interface Log {
  /** What is happening now ("building app image…"). */
  info(message: string): void;
  warn(message: string): void;
  /** A collapsible section in CI logs; a heading in a terminal. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

export function consoleLog(stream: NodeJS.WritableStream = process.stderr): Log {
  return {
    info: (message) => stream.write(`${message}\n`),
    warn: (message) => stream.write(`warning: ${message}\n`),
    async group(title, body) {
      stream.write(`== ${title}\n`);
      return body();
    },
  };
}

/** A Log that records lines, for tests. */
export function memoryLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => void lines.push(message),
    warn: (message) => void lines.push(`warning: ${message}`),
    group: async (title, body) => {
      lines.push(`== ${title}`);
      return body();
    },
  };
}

// Keeps the last lines a container printed, captured while it runs: Testcontainers removes a container that
// fails to start, and its log with it.
import type { Readable } from 'node:stream';

export class LogTail {
  private lines: string[] = [];
  private partial = '';
  private readonly limit: number;

  constructor(limit = 200) {
    this.limit = limit;
  }

  readonly consume = (stream: Readable): void => {
    stream.on('data', (chunk: Buffer | string) => this.push(String(chunk)));
    stream.on('error', () => undefined);
  };

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.map((line) => line.replace(/\r$/, '')));
    if (this.lines.length > this.limit) this.lines = this.lines.slice(-this.limit);
  }

  tail(count = 50): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-count).join('\n');
  }
}

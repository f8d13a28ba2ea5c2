// The files a perf file names — tokens CSVs, a calibration file, an app's Dockerfile, postgres init scripts — read
// or checked before normalising, so that the normalisers are pure functions of the parsed input and these facts.
// A file to read is opened first and checked on its handle (no race with a swap): only a regular file up to
// MAX_READ_BYTES is read, so a FIFO cannot hang the load and /dev/zero cannot fill the heap.
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** The largest file perfgate reads for a perf file (a tokens CSV, a calibration): 16 MiB (docs/config.md). */
export const MAX_READ_BYTES = 16 * 1024 * 1024;
const LIMIT_TEXT = '16 MiB (16777216 bytes)';

/** What to find out, by absolute path: files to read, and files that only need to exist. */
export interface FileNeeds {
  read: string[];
  check: string[];
}

export interface FileFacts {
  /** The text of each file in `read` that could be read. */
  texts: ReadonlyMap<string, string>;
  /** Why each other file in `read` was not read: "it is a directory", …; absent (or no entry) when it does not exist. */
  unreadable?: ReadonlyMap<string, string>;
  /** The paths in `check` that are regular files. */
  existing: ReadonlySet<string>;
}

export async function readFileFacts(needs: FileNeeds): Promise<FileFacts> {
  const read = [...new Set(needs.read)];
  const check = [...new Set(needs.check)];
  const [texts, existing] = await Promise.all([
    Promise.all(read.map(async (file) => [file, await readBounded(file)] as const)),
    Promise.all(
      check.map(
        async (file) =>
          [
            file,
            await stat(file).then(
              (info) => info.isFile(),
              () => false,
            ),
          ] as const,
      ),
    ),
  ]);
  return {
    texts: new Map(texts.flatMap(([file, got]) => ('text' in got ? [[file, got.text] as const] : []))),
    unreadable: new Map(texts.flatMap(([file, got]) => ('problem' in got && got.problem ? [[file, got.problem] as const] : []))),
    existing: new Set(existing.filter(([, isFile]) => isFile).map(([file]) => file)),
  };
}

/** A regular file's text, at most MAX_READ_BYTES; otherwise why not (no problem: it does not exist or cannot be opened). */
async function readBounded(file: string): Promise<{ text: string } | { problem?: string }> {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(() => undefined);
  if (!handle) return {};
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { problem: `is ${kindOf(info)}, not a regular file` };
    if (info.size > MAX_READ_BYTES) return { problem: `is ${info.size} bytes; files perfgate reads are limited to ${LIMIT_TEXT}` };
    // The size stat gave, and one byte more to notice a file that grew since: never more than the limit + 1.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > info.size) return { problem: 'grew while perfgate read it; run again once it is written' };
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch {
    return {};
  } finally {
    await handle.close();
  }
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'something other than a file';
}

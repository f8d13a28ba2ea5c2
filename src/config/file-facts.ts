// The files a perf file names — tokens CSVs, a calibration file, an app's Dockerfile, postgres init scripts — read
// or checked before normalising, so that the normalisers are pure functions of the parsed input and these facts.
import { readFile, stat } from 'node:fs/promises';

/** What to find out, by absolute path: files to read, and files that only need to exist. */
export interface FileNeeds {
  read: string[];
  check: string[];
}

export interface FileFacts {
  /** The text of each file in `read` that could be read. */
  texts: ReadonlyMap<string, string>;
  /** The paths in `check` that are regular files. */
  existing: ReadonlySet<string>;
}

export async function readFileFacts(needs: FileNeeds): Promise<FileFacts> {
  const read = [...new Set(needs.read)];
  const check = [...new Set(needs.check)];
  const [texts, existing] = await Promise.all([
    Promise.all(read.map(async (file) => [file, await readFile(file, 'utf8').catch(() => undefined)] as const)),
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
    texts: new Map(texts.filter((entry): entry is readonly [string, string] => entry[1] !== undefined)),
    existing: new Set(existing.filter(([, isFile]) => isFile).map(([file]) => file)),
  };
}

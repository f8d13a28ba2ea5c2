// `${scope.key}` references, shared by `${env.API_TOKEN}` in requests and `${postgres.url}` in service env.

export interface Reference {
  scope: string;
  key: string;
  /** Offsets of the whole `${…}` in the text. */
  start: number;
  end: number;
}

const REFERENCE = /\$\{\s*([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)\s*\}/g;
const ANY_REFERENCE = /\$\{[^}]*\}?/g;

export function findReferences(text: string): Reference[] {
  return [...text.matchAll(REFERENCE)].map((m) => ({ scope: m[1]!, key: m[2]!, start: m.index!, end: m.index! + m[0].length }));
}

/** `${…}` that are not `scope.key` (e.g. `${API_TOKEN}` or an unclosed `${env.X`). */
export function findMalformed(text: string): Array<{ text: string; start: number }> {
  return [...text.matchAll(ANY_REFERENCE)]
    .filter((m) => !new RegExp(`^${REFERENCE.source}$`).test(m[0]))
    .map((m) => ({ text: m[0], start: m.index! }));
}

export function substitute(text: string, resolve: (scope: string, key: string) => string): string {
  return text.replace(REFERENCE, (_, scope: string, key: string) => resolve(scope, key));
}

/**
 * Why `${env.NAME}` may not read NAME (the whole message, for its line), or undefined when it may. The runner's
 * own secrets stay out of a perf file's reach: the job's GITHUB_TOKEN, the Action's inputs (INPUT_GITHUB-TOKEN
 * is perfgate's token) and the runner's ACTIONS_* tokens (ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN,
 * …). Case does not matter: Windows' environment ignores it.
 */
export function refusedEnv(name: string): string | undefined {
  const upper = name.toUpperCase();
  const why =
    upper === 'GITHUB_TOKEN'
      ? "it is the job's GitHub token"
      : upper.startsWith('INPUT_')
        ? "INPUT_* variables are the Action's inputs, its github-token among them"
        : upper.startsWith('ACTIONS_')
          ? "ACTIONS_* variables are the runner's own tokens"
          : undefined;
  if (!why) return undefined;
  return (
    `\${env.${name}} is refused: ${why}, and perfgate never hands a runner secret to the service under test; ` +
    'give it a secret of its own (in the workflow: env: { API_TOKEN: ${{ secrets.API_TOKEN }} }) and write ${env.API_TOKEN}'
  );
}

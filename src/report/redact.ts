// Credentials in URLs never reach an output: every place perfgate prints or writes a URL (the terminal header,
// results JSON, Markdown, error messages, annotations) passes it through redactUrls. The requests themselves
// still use the credentials (autocannon and the probe read them from the unredacted URL).

const WITH_SCHEME = /\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#]*@/gi;
/** `user:pass@host` without a scheme (a mistyped --target), at the start of a word. */
const BARE = /(^|[\s"'(<,=])[^\s/?#"'(<,=:@]+:[^\s/?#"']*@(?=[^\s@])/g;

/** The text with the user info of every URL in it (`scheme://user:pass@host`, or a bare `user:pass@host`) replaced by `***`. */
export function redactUrls(text: string): string {
  return text.replace(WITH_SCHEME, '$1***@').replace(BARE, '$1***@');
}

/** The password of a URL, as written and decoded (for the runner to mask); none if it has none. */
export function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  return parsed.password === '' ? [] : [...new Set([parsed.password, safeDecode(parsed.password)])];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

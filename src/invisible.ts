// Characters that change how the text around them looks without being seen: bidirectional controls (U+202E
// turns "gnp.exe" into "exe.png" on screen), zero-width and other format characters, line and paragraph
// separators, lone surrogates, and control characters (which can drive a terminal). Scenario names refuse them at
// their YAML line (config/scenarios.ts); every renderer and every config message shows them as visible escapes,
// so text from anywhere (a results file from a fork included) reads as what it is.

/** \p{Cc} controls, \p{Cf} format characters (bidi, zero-width, BOM, tags), \p{Zl}/\p{Zp} separators, \p{Cs} lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** The escape a reader sees for one such character: U+202E → \u202E, U+E0041 → \u{E0041}. */
function visibleEscape(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase();
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** The text with each invisible or control character written as its escape; characters in `keep` stay as they are. */
export function showInvisible(text: string, keep = ''): string {
  return text.replace(INVISIBLE, (c) => (keep.includes(c) ? c : visibleEscape(c)));
}

/** The first invisible or control character in the text, if any. */
export function firstInvisible(text: string): { index: number; char: string } | undefined {
  const match = new RegExp(INVISIBLE.source, 'u').exec(text);
  return match ? { index: match.index, char: match[0] } : undefined;
}

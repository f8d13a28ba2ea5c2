// Makes user-provided text (scenario names, paths, reasons quoting them) inert in GitHub Markdown:
// no HTML, no formatting, no table breaks, no links, no @mentions that ping, no #123 cross-references, and no
// invisible character (a right-to-left override, a zero-width space) that would make it read as something else.
import { showInvisible } from '../invisible.ts';

/** Zero-width space: breaks GitHub's mention/reference/autolink patterns without changing what people read. */
const ZWSP = '\u200B';

/**
 * Escapes text for GitHub-flavoured Markdown and HTML, inline (table cells included).
 * Line breaks become spaces so a name can never end a table row or start a block; other control, bidi and
 * zero-width characters become visible escapes (U+202E → \u202E), before this function adds its own ZWSPs.
 */
export function escapeMarkdown(text: string): string {
  return (
    showInvisible(text.replace(/[\r\n\t\f\v\u2028\u2029]+/g, ' '))
      // HTML first, so the entities added below are not themselves escaped.
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Markdown punctuation that can format, link, or break a table. Names are always inline (line breaks
      // are gone), so block syntax ("1.", "-", "=") cannot start here and needs no escape.
      .replace(/[\\`*_~[\]()|!#]/g, (c) => `\\${c}`)
      // @mentions and team mentions: "@\u200Boctocat" reads the same and pings no one.
      .replace(/@/g, `@${ZWSP}`)
      // #123 / GH-123 / owner/repo#123 cross-references (the "#" is already "\#").
      .replace(/(#|GH-)(?=\d)/gi, (m) => `${m}${ZWSP}`)
      // Bare URLs and www. autolinks.
      .replace(/:\/\//g, `:${ZWSP}//`)
      // Every "www.", not only at a word boundary: GFM links "_www.x" too (after an escaped "_").
      .replace(/www\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`)
  );
}

/**
 * Escapes text for HTML element content and quoted attribute values (the HTML report): the five special characters
 * as entities, and control, bidi and zero-width characters as visible escapes (U+202E → \u202E). Line breaks become
 * spaces unless `keepLines` (a response body shown in a <pre>).
 */
export function escapeHtml(text: string, keepLines = false): string {
  const flat = keepLines ? text.replace(/\r\n?/g, '\n') : text.replace(/[\r\n\t\f\v\u2028\u2029]+/g, ' ');
  return showInvisible(flat, keepLines ? '\n' : '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A user-provided name rendered like code but escaped: `<code>` keeps it safe where backticks cannot. */
export function codeName(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

/** A label safe inside a Mermaid code block: plain characters only, short. */
export function mermaidLabel(text: string, max = 24): string {
  const plain = text
    .replace(/[^A-Za-z0-9 _./:-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain || 'scenario';
}

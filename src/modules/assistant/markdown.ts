// The help assistant's Markdown, browser-safe: what makes an answer safe to store and show (the
// server cleans every answer with it; the launcher cleans a model's answer as it streams in), and
// the escaping of other people's words put into an answer.
import MarkdownIt from 'markdown-it'

/** C0 and C1 control characters but tab and newline: NUL breaks a Postgres insert, the rest is noise. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/**
 * A link of the app's own: a path of this origin. `//host` and `/\host` are other hosts to a
 * browser; a scheme, `#…`, `?…` or a bare relative path are not what the assistant links to.
 */
export const isAppPath = (url: string) => /^\/(?![/\\])[^\s\\]*$/.test(url)

/** A backslash escape, matched first so that what it escapes is never taken for the start of a link. */
const ESCAPE = String.raw`\\[\s\S]`
/** A link's or an image's label: brackets only in escaped or balanced pairs (one level). */
const LABEL = String.raw`((?:[^\[\]\\]|\\[\s\S]|\[(?:[^\[\]\\]|\\[\s\S])*\])*)`
/** An inline link or image: `[label](destination "title")`, the destination bare or in <…>. */
const INLINE_LINK = new RegExp(String.raw`${ESCAPE}|(!?)\[${LABEL}\]\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)`, 'g')
/** A reference definition, `[label]: destination "title"`, on its own line. */
const REFERENCE = new RegExp(String.raw`^ {0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|\S+).*$`, 'gm')
/** An autolink: `<scheme:…>` or `<someone@host>`. */
const AUTOLINK = new RegExp(String.raw`${ESCAPE}|<(?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>`, 'g')

const destinationOf = (raw: string) => (raw.startsWith('<') ? raw.slice(1, -1) : raw)

// The parser the web client renders answers with (same options): the judge of what is a link.
const parser = new MarkdownIt({ html: false, linkify: false })

/** Whether the Markdown, as rendered, shows an image or links anywhere but to an app path. */
function linksElsewhere(markdown: string): boolean {
  const tokens = parser.parse(markdown, {}).flatMap((token) => [token, ...(token.children ?? [])])
  return tokens.some((token) => token.type === 'image' || (token.type === 'link_open' && !isAppPath(String(token.attrGet('href') ?? ''))))
}

/**
 * An answer as it may be stored and shown: no control characters but newlines and tabs, no images,
 * and links only to the app's own paths — any other link keeps its words and loses its target, so
 * an article or a record with words planted for a model cannot have the assistant show a phishing
 * link. What the rewriting misses (a construct it does not parse), the parser still sees as a
 * link: then every bracket and angle bracket is escaped, and nothing of the answer is a link.
 */
export function safeAnswer(text: string): string {
  const clean = text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARACTERS, '')
    .replace(INLINE_LINK, (match, bang?: string, label?: string, destination?: string) => (destination === undefined || (bang === '' && isAppPath(destinationOf(destination))) ? match : label!))
    .replace(REFERENCE, (definition, destination: string) => (isAppPath(destinationOf(destination)) ? definition : ''))
    .replace(AUTOLINK, (match) => (match.startsWith('\\') ? match : ''))
  return linksElsewhere(clean) ? clean.replace(/\\[\s\S]|[[\]<>]/g, (match) => (match.length === 1 ? `\\${match}` : match)) : clean
}

/**
 * Someone's words (a carrier's name a shop typed, an article's title) as Markdown text within a
 * line: one line, and nothing in it makes a link, an image, emphasis, code or an HTML entity.
 */
export const escapeMarkdown = (text: string) =>
  text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_[\]<>!&~|]/g, '\\$&')

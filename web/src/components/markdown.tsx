import MarkdownIt from 'markdown-it'

// Help articles are Markdown written by admins, rendered the same way on the server (SSR) and in
// the browser (the editor's preview). markdown-it, a well-kept CommonMark parser, with `html: false`:
// raw HTML in the text is escaped, never parsed; its link check refuses javascript:, vbscript:,
// file: and data: URLs (other than images), so the only HTML is what the parser itself makes.
// Only the help screens import this (lazy chunks): the parser never weighs on the entry.
const parser = new MarkdownIt({ html: false, linkify: false, typographer: true })

/** Markdown as HTML (see above for why this HTML is safe to insert). */
export const renderMarkdown = (source: string) => parser.render(source)

export function Markdown(props: { source: string }) {
  return <div class="prose" innerHTML={renderMarkdown(props.source)} />
}

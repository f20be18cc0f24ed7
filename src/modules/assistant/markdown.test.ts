import { describe, expect, it } from 'bun:test'
import MarkdownIt from 'markdown-it'
import { escapeMarkdown, safeAnswer } from './markdown'

// As the web client renders answers (web/src/components/markdown.tsx).
const renderer = new MarkdownIt({ html: false, linkify: false, typographer: true })

/** Every link target and image source in the rendered HTML. */
const targetsOf = (markdown: string) => [...renderer.render(markdown).matchAll(/\b(?:href|src)="([^"]*)"/g)].map((match) => match[1])

describe('safeAnswer()', () => {
  it('keeps links to the app’s own paths, and the words of any other link without its target', () => {
    const answer = safeAnswer(
      [
        'See [your order](/orders/ord_1) and [How returns work](/help/articles/returns "Returns").',
        'Refunds go faster [on this page](https://souk-refunds.example/login) or [here](<https://evil.example/a b>).',
        'Also [this](//evil.example/x), [that](/\\evil.example), [js](javascript:alert(1)), [mail](mailto:a@b.c) and [rel](help/x).',
        'Visit <https://evil.example> or <someone@evil.example>.',
        '![a tracking pixel](https://evil.example/p.png) ![ours](/logo.png)',
        '[Claim it][1] or [ours][2]',
        '',
        '[1]: https://evil.example/claim',
        '[2]: /wallet',
      ].join('\n'),
    )
    expect(targetsOf(answer)).toEqual(['/orders/ord_1', '/help/articles/returns', '/wallet'])
    for (const words of ['your order', 'on this page', 'here', 'this', 'that', 'js', 'mail', 'rel', 'a tracking pixel', 'ours']) expect(answer).toContain(words)
    expect(answer).not.toContain('evil.example')
  })

  it('makes no link at all of what it cannot rewrite, rather than let one through', () => {
    // An entity the parser decodes into `//`: the rewriting sees a path, the parser another host.
    const answer = safeAnswer('[Pay here](/&#47;evil.example/pay) and [your order](/orders/ord_1)')
    expect(targetsOf(answer)).toEqual([])
    expect(renderer.render(answer)).toContain('Pay here')
  })

  it('leaves out control characters but newlines and tabs, and keeps escaped brackets as they are', () => {
    expect(safeAnswer('a\u0000b\u0007c\u001b[31m\u009b\r\nd\te\rf')).toBe('abc[31m\nd\te\nf')
    expect(safeAnswer('\\[not a link\\](https://evil.example)')).toBe('\\[not a link\\](https://evil.example)')
    expect(targetsOf(safeAnswer('\\[not a link\\](https://evil.example)'))).toEqual([])
  })
})

describe('escapeMarkdown()', () => {
  it('shows someone’s words as they typed them, on one line, never as a link, emphasis or HTML', () => {
    const hostile = 'Fast](https://evil.example) [Pay\n<b>*now*</b> `x` &amp; ![i](https://evil.example/i.png) ~~gone~~ \\'
    const html = renderer.render(`- [Order 1](/orders/ord_1): parcel with ${escapeMarkdown(hostile)}.`)
    expect(targetsOf(`- [Order 1](/orders/ord_1): parcel with ${escapeMarkdown(hostile)}.`)).toEqual(['/orders/ord_1'])
    expect(html).toContain('parcel with Fast](https://evil.example) [Pay &lt;b&gt;*now*&lt;/b&gt; `x` &amp;amp; ![i](https://evil.example/i.png) ~~gone~~ \\.')
    expect(html).not.toMatch(/<(em|strong|code|s|img)>/)
  })
})

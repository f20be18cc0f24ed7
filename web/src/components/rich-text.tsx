import { A } from '@solidjs/router'
import type { JSX } from 'solid-js'
import type { SocialModel } from '../../../src/modules/social/model'

// A link, a #tag or an @mention as the server reads them (social/rules.ts): `#` or `@` starting a
// word (not an email's @, not a link's /@ or /#), then the whole run of the tag's or handle's characters.
const TOKEN =
  /(https?:\/\/[^\s<>"]+)|(?<![\p{L}\p{N}\p{M}_&/#])#([\p{L}\p{N}\p{M}_]+)|(?<![\p{L}\p{N}\p{M}_@/.+-])@([A-Za-z0-9_]{3,30})(?![\p{L}\p{N}\p{M}_@])/gu
// Punctuation ending a sentence is not part of the link before it.
const TRAILING = /[.,;:!?)'\]]+$/

/**
 * A post's or a comment's text as nodes (never HTML): its http(s) links open with
 * rel="nofollow noopener ugc" (the author's, not Souk's), its #tags link to their pages and its
 * @mentions to the person's profile, but only the tags and mentions the server resolved (no guessing here).
 */
export function RichText(props: { text: string; tags: string[]; mentions: SocialModel.Mention[]; class?: string; testId?: string }) {
  const parts = () => {
    const text = props.text
    const profiles = new Map(props.mentions.map((mention) => [mention.handle, mention.userId]))
    const out: JSX.Element[] = []
    let at = 0
    for (const match of text.matchAll(TOKEN)) {
      const start = match.index
      let end = start + match[0].length
      let node: JSX.Element | null = null
      if (match[1] !== undefined) {
        const url = match[1].replace(TRAILING, '')
        end = start + url.length
        node = (
          <a href={url} rel="nofollow noopener ugc" target="_blank">
            {url}
          </a>
        )
      } else if (match[2] !== undefined) {
        const tag = match[2].normalize('NFC').toLowerCase()
        if (props.tags.includes(tag)) node = <A href={`/tags/${encodeURIComponent(tag)}`}>{match[0]}</A>
      } else {
        const userId = profiles.get(match[3]!.toLowerCase())
        if (userId !== undefined) node = <A href={`/users/${userId}`}>{match[0]}</A>
      }
      if (node === null) continue
      if (start > at) out.push(text.slice(at, start))
      out.push(node)
      at = end
    }
    if (at < text.length) out.push(text.slice(at))
    return out
  }
  return (
    <p class={props.class ?? 'post-card__body'} data-testid={props.testId}>
      {parts()}
    </p>
  )
}

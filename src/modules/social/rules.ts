// The rules of posts as data: who sees a post, how long it may change, and what a #tag is. No server
// import: the web client reads them too (an @mention's form needs accounts' handle rules: service/mentions.ts).

/**
 * Who sees a post: `public` everyone (signed out too), `followers` its author and their followers,
 * `private` its author alone. A block hides every post of the pair both ways (service/visibility.ts).
 */
export const POST_PRIVACIES = ['public', 'followers', 'private'] as const
export type PostPrivacy = (typeof POST_PRIVACIES)[number]

export const POST_BODY_MAX = 5_000
/** Hours after posting during which the author may change a post's text or privacy. */
export const EDIT_HOURS = 24
export const TAGS_PER_POST = 10
/** Photos on one post, uploaded in batches (one or more) that together never pass it. */
export const POST_PHOTOS_MAX = 10
export const TAG_MAX_LENGTH = 50
/** Lists of posts and of people: pages of 20 unless asked, at most 50. */
export const SOCIAL_PAGE_DEFAULT = 20
export const SOCIAL_PAGE_MAX = 50

export const COMMENT_BODY_MAX = 2_000
/**
 * Comments thread to this depth (1: on the post, 2: a reply, 3: a reply to a reply). A reply to a
 * comment at the last depth attaches to that comment's parent, beside it: the thread stays at 3.
 */
export const COMMENT_DEPTH_MAX = 3

/** The depth and parent a reply to `parent` gets (COMMENT_DEPTH_MAX: a reply to the last depth becomes its sibling). */
export function replyPlace(parent: { id: string; parentId: string | null; depth: number }): { parentId: string; depth: number } {
  if (parent.depth < COMMENT_DEPTH_MAX) return { parentId: parent.id, depth: parent.depth + 1 }
  return { parentId: parent.parentId!, depth: COMMENT_DEPTH_MAX }
}

/**
 * A tag: `#` then letters, digits or underscores of any script. The `#` starts a word (not
 * `a#b`, not a link's `/#fragment`, not `##`), and the tag is the whole run after it, so a run
 * longer than TAG_MAX_LENGTH is no tag rather than a truncated one.
 */
const TAG = /(?<![\p{L}\p{N}\p{M}_&/#])#([\p{L}\p{N}\p{M}_]+)/gu
const TAG_NAME = /^[\p{L}\p{N}\p{M}_]+$/u

/** A tag as stored and looked up: NFC, lower-cased (so #Café, #CAFÉ and #café are one tag). */
export const normalizeTag = (tag: string) => tag.normalize('NFC').toLowerCase()

/** Length in characters (code points), as a person counts them. */
const lengthOf = (text: string) => [...text].length

/** Whether `tag` (normalised) is one a post could carry: what a tag page accepts. */
export const isTagName = (tag: string) => lengthOf(tag) <= TAG_MAX_LENGTH && TAG_NAME.test(tag)

/** The distinct tags of a post's text, normalised, in order of first appearance, at most TAGS_PER_POST. */
export function parseTags(body: string): string[] {
  const tags = new Set<string>()
  for (const match of body.normalize('NFC').matchAll(TAG)) {
    const tag = normalizeTag(match[1]!)
    if (lengthOf(tag) > TAG_MAX_LENGTH) continue
    tags.add(tag)
    if (tags.size === TAGS_PER_POST) break
  }
  return [...tags]
}

/** Post search: `q` is 1 to POST_SEARCH_MAX characters; its first words and #tags are searched. */
export const POST_SEARCH_MAX = 200
export const SEARCH_WORDS_MAX = 8
export const SEARCH_TAGS_MAX = 3

/** Mentions that count in one text (a post's or a comment's): more are left as plain text. */
export const MENTIONS_PER_TEXT = 20

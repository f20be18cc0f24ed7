// What social shows clients over REST and on the socket alike: a comment (new ones arrive on
// `post:<id>`) and who wrote it. The web client bundles this file (through events.ts and
// src/realtime/protocol.ts), so it holds schemas only: `t` from 'elysia/type-system' and no
// server-only import. Dates are ISO strings, as JSON carries them on the socket.
import type { TSchema } from '@sinclair/typebox'
import { t } from 'elysia/type-system'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { COMMENT_DEPTH_MAX, EDIT_HOURS } from './rules'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const date = t.String({ format: 'date-time' })

/** How a post, a comment, a list of likes or of follows names an account. */
export const PostAuthor = t.Object({ id: idSchema('usr'), handle: t.String({ description: 'the @name others mention' }), displayName: t.String(), avatarUrl: nullable(t.String()) })

/** An @handle in a text that named an account when the text was written: the client links these only. */
export const PostMention = t.Object({ handle: t.String({ description: 'as in the text, lower-cased, without the @' }), userId: idSchema('usr') })

export const PostComment = t.Object({
  id: idSchema('pcm'),
  postId: idSchema('pst'),
  parentId: nullable(idSchema('pcm', { description: 'the comment it replies to; null on the post itself' })),
  depth: t.Integer({ minimum: 1, maximum: COMMENT_DEPTH_MAX, description: '1 on the post, 2 a reply, 3 a reply to a reply' }),
  status: enumOf(['shown', 'deleted', 'hidden'] as const, {
    description: 'shown; deleted (or its author’s account is); hidden (across a block with the caller). Only shown comments have an author and a text; the others are listed only while replies below them are.',
  }),
  author: nullable(PostAuthor),
  body: nullable(t.String()),
  mentions: t.Array(PostMention, { description: 'the @mentions of a shown comment that name an account; empty for the others' }),
  likeCount: t.Integer(),
  likedByMe: t.Boolean(),
  createdAt: date,
  editedAt: nullable(t.String({ format: 'date-time', description: 'set when its author changed it (“edited”)' })),
  canEdit: t.Boolean({ description: `the caller wrote it and may still change it (${EDIT_HOURS} hours after writing)` }),
  canDelete: t.Boolean({ description: 'the caller wrote it, or wrote the post' }),
})
export type PostComment = typeof PostComment.static

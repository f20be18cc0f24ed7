import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { at, bytea } from '../../db/columns'

export const ROLES = ['buyer', 'vendor', 'admin'] as const
export type Role = (typeof ROLES)[number]


/** Raw bytes; postgres.js reads them as a Buffer, PGlite as a Uint8Array (a Buffer is one too). */

/**
 * One person. A deleted account keeps its row (orders and messages point at it) with every
 * personal field cleared; `email` and `google_sub` are then null, which frees them for reuse.
 */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  /** Lower-cased; unique among live accounts. */
  email: text('email').unique(),
  emailVerifiedAt: at('email_verified_at'),
  /** argon2id (PHC string); null for accounts that only sign in with Google, and after deletion. */
  passwordHash: text('password_hash'),
  googleSub: text('google_sub').unique(),
  role: text('role', { enum: ROLES }).notNull().default('buyer'),
  displayName: text('display_name').notNull(),
  /**
   * The @name others mention (service/handles.ts): lower-case, so the unique index is
   * case-insensitive. Set at sign-up from the display name; erased with the account's other personal
   * data when it is deleted (a random `deleted_…`: old texts' @mentions keep the account they named,
   * by id). The default serves only rows written
   * outside the accounts' services (fixtures, the bench): random, valid, unique in practice.
   */
  handle: text('handle')
    .notNull()
    .default(sql`('user_' || substr(md5(gen_random_uuid()::text), 1, 20))`),
  bio: text('bio'),
  location: text('location'),
  phone: text('phone'),
  avatarUrl: text('avatar_url'),
  /**
   * Set while an admin's suspension stands: no sign-in, refresh or request is served. It lapses by
   * itself at `suspended_until` (null: until an admin lifts it); lifting clears all three.
   */
  suspendedAt: at('suspended_at'),
  suspendedUntil: at('suspended_until'),
  suspensionReason: text('suspension_reason'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  deletedAt: at('deleted_at'),
}, (table) => [
  index('users_created_brin').using('brin', table.createdAt).with({ autosummarize: true }),
  // The deleted accounts alone: "is this author's account deleted?", which every read of posts asks
  // per post (social's visibleTo), is one probe of a tiny index instead of the primary key and the row.
  index('users_deleted_idx').on(table.id).where(sql`${table.deletedAt} is not null`),
  uniqueIndex('users_handle_idx').on(table.handle),
  check('users_handle_check', sql`${table.handle} ~ '^[a-z0-9_]{3,30}$'`),
])

/**
 * A signed-in device: one refresh-token family. Revoking it ends every token of the family and
 * the access tokens naming it (the auth plugin checks the session on each request).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
    lastUsedAt: at('last_used_at').notNull(),
    /** Absolute end (created + 30 days): rotation never extends it. */
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
    revokedReason: text('revoked_reason'),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (table) => [index('sessions_user_idx').on(table.userId, table.createdAt)],
)

/** Refresh tokens by SHA-256 of the value; a used one stays as evidence for reuse detection. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull(),
    /** Set once, when this token is exchanged for the next one. */
    rotatedAt: at('rotated_at'),
  },
  (table) => [index('refresh_tokens_session_idx').on(table.sessionId), index('refresh_tokens_created_brin').using('brin', table.createdAt).with({ autosummarize: true })],
)

export const CODE_PURPOSES = ['verify_email', 'change_email'] as const
export type CodePurpose = (typeof CODE_PURPOSES)[number]

/** 6-digit email codes, HMAC'd with the server secret (a bare hash of 10^6 values is no secret). */
export const emailCodes = pgTable(
  'email_codes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: CODE_PURPOSES }).notNull(),
    codeHash: text('code_hash').notNull(),
    /** The address being verified: the account's own, or the new one for change_email. */
    email: text('email').notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    consumedAt: at('consumed_at'),
  },
  (table) => [index('email_codes_user_purpose_idx').on(table.userId, table.purpose)],
)

export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (table) => [index('password_reset_tokens_user_idx').on(table.userId)],
)

/** Hashes of the account's recent passwords, the current one included (reuse check). */
export const passwordHistory = pgTable(
  'password_history',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('password_history_user_idx').on(table.userId, table.createdAt)],
)

/**
 * Each user's current avatar, re-encoded (see src/lib/images.ts). Kept in the database, not on
 * disk: any number of stateless instances serve it, and backups and account deletion cover it
 * with everything else. An avatar is ~10 KB and served with a year-long cache, so reads are rare.
 */
export const userAvatars = pgTable('user_avatars', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  /** Hash of the image; part of its URL, so a new avatar is a new URL and caches never go stale. */
  version: text('version').notNull(),
  contentType: text('content_type').notNull(),
  image: bytea('image').notNull(),
  createdAt: at('created_at').notNull(),
})

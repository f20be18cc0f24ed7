CREATE TABLE "post_mentions" (
	"post_id" text NOT NULL,
	"comment_id" text,
	"handle" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "post_mentions_text_handle_key" UNIQUE NULLS NOT DISTINCT("post_id","comment_id","handle")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "handle" text DEFAULT ('user_' || substr(md5(gen_random_uuid()::text), 1, 20)) NOT NULL;--> statement-breakpoint
-- Handles for the accounts there are, from their display names as a sign-up makes them
-- (accounts/handle.ts: ASCII-folded, lower-case, each run of other characters one "_", at most 30).
-- The oldest account of each slug gets it bare, unless it is short, reserved, or ends in "_<digits>";
-- every other account gets its slug (cut to fit) and "_<its rank by age>". Ranks are unique, a
-- numbered handle ends in "_<digits>" and a bare one does not, so no two accounts share a handle
-- whatever the names (the unique index below is built after this).
WITH slugs AS (
  SELECT id, created_at, trim(both '_' from left(regexp_replace(lower(translate(
      replace(replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(normalize(display_name, NFKD), '[\u0300-\u036f]', '', 'g'),
        'ß', 'ss'), 'Æ', 'ae'), 'æ', 'ae'), 'Œ', 'oe'), 'œ', 'oe'), 'Þ', 'th'), 'þ', 'th'), 'ẞ', 'ss'),
      'ØøŁłĐđÐðı', 'OoLlDdDdi')), '[^a-z0-9]+', '_', 'g'), 30)) AS slug
  FROM "users"
), ranked AS (
  SELECT id, slug,
    row_number() OVER (PARTITION BY slug ORDER BY created_at, id) AS nth,
    row_number() OVER (ORDER BY created_at, id) AS n
  FROM slugs
)
UPDATE "users" SET "handle" = CASE
  WHEN r.nth = 1 AND r.slug ~ '^[a-z0-9_]{3,30}$' AND r.slug !~ '_[0-9]+$' AND r.slug NOT IN (
    'about', 'abuse', 'account', 'accounts', 'admin', 'administrator', 'all', 'api', 'billing', 'deleted', 'everyone', 'feed',
    'help', 'here', 'login', 'logout', 'mod', 'moderator', 'no_reply', 'noreply', 'notifications', 'null', 'official', 'postmaster',
    'posts', 'root', 'search', 'security', 'settings', 'signin', 'signup', 'souk', 'souk_team', 'staff', 'support', 'system', 'tags',
    'team', 'undefined', 'users', 'www') THEN r.slug
  ELSE coalesce(nullif(trim(trailing '_' from left(r.slug, 29 - length(r.n::text))), ''), 'user') || '_' || r.n
END
FROM ranked r
WHERE "users"."id" = r.id;--> statement-breakpoint
ALTER TABLE "post_mentions" ADD CONSTRAINT "post_mentions_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_mentions" ADD CONSTRAINT "post_mentions_comment_id_post_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."post_comments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_mentions" ADD CONSTRAINT "post_mentions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_handle_idx" ON "users" USING btree ("handle");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_handle_check" CHECK ("users"."handle" ~ '^[a-z0-9_]{3,30}$');
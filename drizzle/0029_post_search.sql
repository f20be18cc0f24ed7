-- Post search matches words in any language: 'simple' (lower-cased words, no stemming, no stop
-- words) with accents taken off first (unaccent, a trusted contrib extension: a database owner may
-- create it). to_tsvector with a named configuration is immutable, so the column can be generated.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION post_search (COPY = simple);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION post_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('post_search'::regconfig, "posts"."body")) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "post_comments_post_time_idx" ON "post_comments" USING btree ("post_id","created_at");--> statement-breakpoint
CREATE INDEX "posts_search_idx" ON "posts" USING gin ("search");
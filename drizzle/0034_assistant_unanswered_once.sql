ALTER TABLE "assistant_unanswered" ADD COLUMN "question_key" text;--> statement-breakpoint
ALTER TABLE "assistant_unanswered" ADD COLUMN "times" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Hand-written: earlier rows get a key of their text as it is (lower case, 200 characters: no locale decides what a letter is), and each user's repeats of one text become one row counting them.
UPDATE "assistant_unanswered" SET "question_key" = left(lower(btrim("question")), 200);--> statement-breakpoint
UPDATE "assistant_unanswered" a SET "times" = (SELECT count(*) FROM "assistant_unanswered" b WHERE b."user_id" = a."user_id" AND b."question_key" = a."question_key");--> statement-breakpoint
DELETE FROM "assistant_unanswered" a USING "assistant_unanswered" b WHERE b."user_id" = a."user_id" AND b."question_key" = a."question_key" AND (a."created_at", a."id") < (b."created_at", b."id");--> statement-breakpoint
ALTER TABLE "assistant_unanswered" ALTER COLUMN "question_key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "assistant_unanswered_question_idx" ON "assistant_unanswered" USING btree ("user_id","question_key");

ALTER TABLE "conversation_members" ADD COLUMN "read_received" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "buyer_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "seller_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_deleted_idx" ON "messages" USING btree ("conversation_id","seq") WHERE "messages"."deleted_at" is not null;--> statement-breakpoint
UPDATE "conversations" AS c SET
  "buyer_sent" = (SELECT count(*) FROM "messages" AS m WHERE m."conversation_id" = c."id" AND m."sender_id" = c."buyer_id"),
  "seller_sent" = (SELECT count(*) FROM "messages" AS m WHERE m."conversation_id" = c."id" AND m."sender_id" = c."seller_id")
WHERE c."last_seq" > 0;--> statement-breakpoint
UPDATE "conversation_members" AS cm SET
  "read_received" = (SELECT count(*) FROM "messages" AS m WHERE m."conversation_id" = cm."conversation_id" AND m."sender_id" <> cm."user_id" AND m."seq" <= cm."read_seq")
WHERE cm."read_seq" > 0;

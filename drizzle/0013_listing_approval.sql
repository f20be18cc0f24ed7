CREATE TABLE "listing_rules" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"approval" text NOT NULL,
	"trusted_after" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text,
	CONSTRAINT "listing_rules_one_row" CHECK ("listing_rules"."id" = 1),
	CONSTRAINT "listing_rules_trusted_after_check" CHECK ("listing_rules"."trusted_after" between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "review_state" text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "review_reason" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "submitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "approved_price_minor" integer;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "listing_rules" ADD CONSTRAINT "listing_rules_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "products_review_queue_idx" ON "products" USING btree ("submitted_at","id") WHERE "products"."review_state" = 'pending';
ALTER TABLE "plan_charges" ADD COLUMN "tva_rate_bp" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "plan_charges" ADD COLUMN "tva_minor" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "priority_support" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Shops keep the priority support their plan gives: a live subscription's terms, else the free plan's.
UPDATE "vendors" SET "priority_support" = COALESCE(
  (SELECT ("s"."terms"->>'prioritySupport')::boolean FROM "subscriptions" "s" WHERE "s"."vendor_id" = "vendors"."id" AND "s"."status" IN ('active', 'past_due')),
  (SELECT "p"."priority_support" FROM "plans" "p" WHERE "p"."is_free"),
  false
);
--> statement-breakpoint
-- Plan payments made before: at the platform's default TVA rate, included in the amount (rounded half up).
UPDATE "plan_charges" SET
  "tva_rate_bp" = "r"."rate_bp",
  "tva_minor" = floor((2 * "plan_charges"."amount_minor"::bigint * "r"."rate_bp" + (10000 + "r"."rate_bp")) / (2 * (10000 + "r"."rate_bp")))::integer
FROM "tax_rates" "r" WHERE "r"."category_id" IS NULL;

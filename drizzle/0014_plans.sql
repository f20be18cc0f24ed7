CREATE TABLE "boosts" (
	"id" text PRIMARY KEY NOT NULL,
	"vendor_id" text NOT NULL,
	"product_id" text NOT NULL,
	"days" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "boosts_days_check" CHECK ("boosts"."days" > 0)
);
--> statement-breakpoint
CREATE TABLE "placement_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"vendor_id" text NOT NULL,
	"product_id" text NOT NULL,
	"message" text,
	"status" text NOT NULL,
	"featured_until" timestamp with time zone,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decline_reason" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_charges" (
	"id" text PRIMARY KEY NOT NULL,
	"vendor_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"kind" text NOT NULL,
	"invoice_number" text NOT NULL,
	"plan_name" text NOT NULL,
	"interval" text NOT NULL,
	"price_minor" integer NOT NULL,
	"credit_minor" integer NOT NULL,
	"amount_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "plan_charges_invoice_number_unique" UNIQUE("invoice_number"),
	CONSTRAINT "plan_charges_amounts_check" CHECK ("plan_charges"."amount_minor" >= 0 and "plan_charges"."credit_minor" >= 0 and "plan_charges"."amount_minor" = "plan_charges"."price_minor" - "plan_charges"."credit_minor")
);
--> statement-breakpoint
CREATE TABLE "plan_notices" (
	"vendor_id" text NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"days_before" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "plan_notices_vendor_id_period_end_days_before_pk" PRIMARY KEY("vendor_id","period_end","days_before")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"is_free" boolean DEFAULT false NOT NULL,
	"currency" text NOT NULL,
	"monthly_price_minor" integer NOT NULL,
	"yearly_price_minor" integer NOT NULL,
	"max_active_listings" integer,
	"boost_credits_per_month" integer NOT NULL,
	"featured_slots" integer NOT NULL,
	"commission_bp" integer,
	"priority_support" boolean NOT NULL,
	"badge" text,
	"position" integer DEFAULT 0 NOT NULL,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "plans_values_check" CHECK ("plans"."monthly_price_minor" >= 0 and "plans"."yearly_price_minor" >= 0 and "plans"."boost_credits_per_month" >= 0 and "plans"."featured_slots" >= 0 and ("plans"."max_active_listings" is null or "plans"."max_active_listings" >= 0) and ("plans"."commission_bp" is null or "plans"."commission_bp" between 0 and 5000))
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"vendor_id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"terms" jsonb NOT NULL,
	"interval" text NOT NULL,
	"status" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"next_plan_id" text,
	"next_interval" text,
	"grace_until" timestamp with time zone,
	"boost_credits" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "subscriptions_credits_check" CHECK ("subscriptions"."boost_credits" >= 0)
);
--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "max_active_listings" integer;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "commission_bp" integer;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "plan_badge" text;--> statement-breakpoint
ALTER TABLE "boosts" ADD CONSTRAINT "boosts_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "boosts" ADD CONSTRAINT "boosts_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_applications" ADD CONSTRAINT "placement_applications_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_applications" ADD CONSTRAINT "placement_applications_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_applications" ADD CONSTRAINT "placement_applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_charges" ADD CONSTRAINT "plan_charges_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_charges" ADD CONSTRAINT "plan_charges_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_notices" ADD CONSTRAINT "plan_notices_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_next_plan_id_plans_id_fk" FOREIGN KEY ("next_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "boosts_product_idx" ON "boosts" USING btree ("product_id","ends_at");--> statement-breakpoint
CREATE INDEX "placement_applications_queue_idx" ON "placement_applications" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "placement_applications_open_key" ON "placement_applications" USING btree ("product_id") WHERE "placement_applications"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "plan_charges_period_key" ON "plan_charges" USING btree ("vendor_id","period_start","kind");--> statement-breakpoint
CREATE INDEX "plan_charges_vendor_idx" ON "plan_charges" USING btree ("vendor_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "plans_one_free" ON "plans" USING btree ("is_free") WHERE "plans"."is_free";--> statement-breakpoint
CREATE INDEX "subscriptions_due_idx" ON "subscriptions" USING btree ("status","period_end");--> statement-breakpoint
INSERT INTO "plans" ("id", "name", "is_free", "currency", "monthly_price_minor", "yearly_price_minor", "max_active_listings", "boost_credits_per_month", "featured_slots", "commission_bp", "priority_support", "badge", "position", "created_at", "updated_at") VALUES ('pln_00000000000000000000000000000000', 'Free', true, 'MAD', 0, 0, NULL, 0, 0, NULL, false, NULL, 0, now(), now());

CREATE TABLE "platform_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"commission_bp" integer,
	"escrow_auto_release_days" integer,
	"return_window_days" integer,
	"withdrawal_min_minor" integer,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text,
	CONSTRAINT "platform_settings_one_row" CHECK ("platform_settings"."id" = 1),
	CONSTRAINT "platform_settings_commission_check" CHECK ("platform_settings"."commission_bp" between 0 and 5000),
	CONSTRAINT "platform_settings_escrow_days_check" CHECK ("platform_settings"."escrow_auto_release_days" between 1 and 90),
	CONSTRAINT "platform_settings_return_window_check" CHECK ("platform_settings"."return_window_days" between 0 and 90),
	CONSTRAINT "platform_settings_withdrawal_min_check" CHECK ("platform_settings"."withdrawal_min_minor" between 1 and 1000000000)
);
--> statement-breakpoint
ALTER TABLE "platform_settings" ADD CONSTRAINT "platform_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
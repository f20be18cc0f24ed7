CREATE TABLE "cash_settlements" (
	"order_id" text PRIMARY KEY NOT NULL,
	"shop_user_id" text NOT NULL,
	"commission_bp" integer NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" integer,
	"commission_minor" integer,
	"collected_by" text,
	"collected_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cash_settlements_collected_check" CHECK (("cash_settlements"."collected_at" is null) = ("cash_settlements"."amount_minor" is null) and ("cash_settlements"."collected_at" is null) = ("cash_settlements"."commission_minor" is null))
);
--> statement-breakpoint
ALTER TABLE "cash_settlements" ADD CONSTRAINT "cash_settlements_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_settlements" ADD CONSTRAINT "cash_settlements_shop_user_id_users_id_fk" FOREIGN KEY ("shop_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_settlements" ADD CONSTRAINT "cash_settlements_collected_by_users_id_fk" FOREIGN KEY ("collected_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cash_settlements_shop_idx" ON "cash_settlements" USING btree ("shop_user_id","collected_at");
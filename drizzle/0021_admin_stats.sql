CREATE TABLE "daily_breakdowns" (
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"key" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "daily_breakdowns_metric_day_key_pk" PRIMARY KEY("metric","day","key")
);
--> statement-breakpoint
ALTER TABLE "daily_stats" ALTER COLUMN "value" SET DATA TYPE bigint;--> statement-breakpoint
CREATE INDEX "daily_breakdowns_day_idx" ON "daily_breakdowns" USING btree ("day");--> statement-breakpoint
CREATE INDEX "refresh_tokens_created_brin" ON "refresh_tokens" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "users_created_brin" ON "users" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "product_views_day_idx" ON "product_views" USING btree ("day","viewer");--> statement-breakpoint
CREATE INDEX "messages_created_brin" ON "messages" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "ledger_transfers_created_brin" ON "ledger_transfers" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "orders_created_brin" ON "orders" USING brin ("created_at");
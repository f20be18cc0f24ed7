DROP INDEX "refresh_tokens_created_brin";--> statement-breakpoint
DROP INDEX "users_created_brin";--> statement-breakpoint
DROP INDEX "messages_created_brin";--> statement-breakpoint
DROP INDEX "ledger_transfers_created_brin";--> statement-breakpoint
DROP INDEX "orders_created_brin";--> statement-breakpoint
CREATE INDEX "refresh_tokens_created_brin" ON "refresh_tokens" USING brin ("created_at") WITH (autosummarize=true);--> statement-breakpoint
CREATE INDEX "users_created_brin" ON "users" USING brin ("created_at") WITH (autosummarize=true);--> statement-breakpoint
CREATE INDEX "messages_created_brin" ON "messages" USING brin ("created_at") WITH (autosummarize=true);--> statement-breakpoint
CREATE INDEX "ledger_transfers_created_brin" ON "ledger_transfers" USING brin ("created_at") WITH (autosummarize=true);--> statement-breakpoint
CREATE INDEX "orders_created_brin" ON "orders" USING brin ("created_at") WITH (autosummarize=true);
CREATE TABLE "order_cancellations" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"key" text NOT NULL,
	"actor_id" text,
	"items" jsonb NOT NULL,
	"reason" text,
	"refund_minor" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dispute_evidence" ADD COLUMN "photo" "bytea";--> statement-breakpoint
ALTER TABLE "dispute_evidence" ADD COLUMN "photo_width" integer;--> statement-breakpoint
ALTER TABLE "dispute_evidence" ADD COLUMN "photo_height" integer;--> statement-breakpoint
ALTER TABLE "dispute_evidence" ADD COLUMN "message_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "order_events" ADD COLUMN "kind" text DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "cancelled_quantity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "order_cancellations" ADD CONSTRAINT "order_cancellations_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_cancellations" ADD CONSTRAINT "order_cancellations_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_cancellations_key" ON "order_cancellations" USING btree ("order_id","key");--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_cancelled_check" CHECK ("order_items"."cancelled_quantity" between 0 and "order_items"."quantity");
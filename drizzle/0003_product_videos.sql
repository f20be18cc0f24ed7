CREATE TABLE "product_videos" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"position" integer NOT NULL,
	"content_type" text NOT NULL,
	"version" text NOT NULL,
	"size" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product_videos" ADD CONSTRAINT "product_videos_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_videos_product_idx" ON "product_videos" USING btree ("product_id","position");--> statement-breakpoint
-- Videos are compressed already: store them out of line as they are, so substring() (Range requests) reads only the chunks it needs.
ALTER TABLE "product_videos" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
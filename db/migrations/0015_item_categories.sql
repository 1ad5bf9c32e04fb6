ALTER TABLE "items" ADD COLUMN "category" text DEFAULT 'licensing' NOT NULL;--> statement-breakpoint
-- Existing items: the category their current version's definition names, if it names one (else licensing).
UPDATE "items" SET "category" = "item_versions"."definition"->>'category' FROM "item_versions" WHERE "item_versions"."item_code" = "items"."code" AND "item_versions"."version" = "items"."current_version" AND "item_versions"."definition"->>'category' IN ('licensing', 'other_power', 'public_service');--> statement-breakpoint
CREATE INDEX "items_category_idx" ON "items" USING btree ("category");

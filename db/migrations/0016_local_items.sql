ALTER TABLE "items" ADD COLUMN "owner_centre" text;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_owner_centre_centres_code_fk" FOREIGN KEY ("owner_centre") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "items_owner_centre_idx" ON "items" USING btree ("owner_centre");
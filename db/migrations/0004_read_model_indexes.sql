CREATE INDEX "applications_centre_lead_idx" ON "applications" USING btree ("centre_code","lead_department");--> statement-breakpoint
CREATE INDEX "applications_planned_reviews_idx" ON "applications" USING gin ("planned_reviews" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "applications_centre_prefix_idx" ON "applications" USING btree ("centre_code" text_pattern_ops);
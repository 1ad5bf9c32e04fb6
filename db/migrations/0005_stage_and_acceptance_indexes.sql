DROP INDEX "applications_stage_idx";--> statement-breakpoint
CREATE INDEX "applications_stage_submitted_idx" ON "applications" USING btree ("stage","submitted_at" DESC NULLS LAST,"application_no" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_accepted_idx" ON "applications" USING btree ("accepted_at");
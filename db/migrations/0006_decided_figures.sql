DROP INDEX "applications_accepted_idx";--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "yellow_alerts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "red_alerts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The alerts already raised, counted onto their applications (written by writeTransition from now on).
UPDATE "applications" SET "yellow_alerts" = c."yellow", "red_alerts" = c."red"
FROM (
  SELECT "application_no", count(*) FILTER (WHERE "level" = 'yellow') AS "yellow", count(*) FILTER (WHERE "level" <> 'yellow') AS "red"
  FROM "alerts" WHERE "department" IS NULL GROUP BY "application_no"
) c
WHERE "applications"."application_no" = c."application_no";--> statement-breakpoint
CREATE INDEX "alerts_at_idx" ON "alerts" USING btree ("at" DESC NULLS LAST,"seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_decided_figures_idx" ON "applications" USING btree ("accepted_at","centre_code","lead_department","item_code","statutory_limit_days","promised_limit_days","working_days_taken","calendar_days_taken","on_time","within_statutory","completed_at","yellow_alerts","red_alerts") WHERE "applications"."working_days_taken" is not null;
ALTER TABLE "accountability_cases" ALTER COLUMN "alert_seq" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "accountability_cases" ALTER COLUMN "level" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "accountability_cases" ADD COLUMN "opened_by" jsonb;
CREATE TABLE "history_archiver" (
	"id" text PRIMARY KEY NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"swept_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "history_archives" (
	"application_no" text NOT NULL,
	"run_id" text NOT NULL,
	"close_status" text NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"event_count" integer NOT NULL,
	"raw_bytes" integer NOT NULL,
	"stored_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"bytes" "bytea",
	"archived_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disposed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "history_archives_run_uq" ON "history_archives" USING btree ("application_no","run_id");--> statement-breakpoint
CREATE INDEX "history_archives_closed_idx" ON "history_archives" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "applications_closed_idx" ON "applications" USING btree ("closed_at") WHERE "applications"."closed_at" is not null;
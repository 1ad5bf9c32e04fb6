CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"centres" jsonb NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" jsonb
);
--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "submitted_by" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "centre_code" text;--> statement-breakpoint
CREATE INDEX "applications_submitted_by_idx" ON "applications" USING btree ("submitted_by","submitted_at" DESC NULLS LAST);
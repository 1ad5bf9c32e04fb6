CREATE TABLE "document_series" (
	"centre_code" text NOT NULL,
	"year" integer NOT NULL,
	"series" text NOT NULL,
	"last_no" integer NOT NULL,
	CONSTRAINT "document_series_pk" PRIMARY KEY("centre_code","year","series")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"application_no" text NOT NULL,
	"kind" text NOT NULL,
	"cause_seq" integer NOT NULL,
	"title" text NOT NULL,
	"centre_code" text NOT NULL,
	"year" integer NOT NULL,
	"series" text NOT NULL,
	"serial_no" integer NOT NULL,
	"number" text NOT NULL,
	"licence_no" text,
	"issued_at" timestamp with time zone NOT NULL,
	"fields" jsonb NOT NULL,
	"pdf" "bytea",
	"rendered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "conditions" text;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "documents_cause_uq" ON "documents" USING btree ("application_no","kind","cause_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_number_uq" ON "documents" USING btree ("centre_code","year","series","serial_no");--> statement-breakpoint
CREATE INDEX "documents_application_idx" ON "documents" USING btree ("application_no","id");
CREATE TABLE "centres" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"division" text NOT NULL,
	"parent_code" text,
	"level" text NOT NULL,
	"longitude" double precision NOT NULL,
	"latitude" double precision NOT NULL,
	"coordinate_approximate" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"levels" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "officers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"centre_code" text NOT NULL,
	"department_code" text,
	"window_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "windows" (
	"code" text PRIMARY KEY NOT NULL,
	"centre_code" text NOT NULL,
	"department_code" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "catalogue_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" jsonb NOT NULL,
	"entity" text NOT NULL,
	"key" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "item_versions" (
	"item_code" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" jsonb,
	CONSTRAINT "item_versions_pk" PRIMARY KEY("item_code","version")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"department" text NOT NULL,
	"kind" text NOT NULL,
	"major" boolean NOT NULL,
	"statutory_limit_days" integer NOT NULL,
	"promised_limit_days" integer NOT NULL,
	"current_version" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"application_no" text NOT NULL,
	"seq" integer NOT NULL,
	"level" text NOT NULL,
	"centre_code" text NOT NULL,
	"department" text,
	"stage" integer,
	"at" timestamp with time zone NOT NULL,
	"responsible" jsonb NOT NULL,
	CONSTRAINT "alerts_pk" PRIMARY KEY("application_no","seq")
);
--> statement-breakpoint
CREATE TABLE "application_counters" (
	"centre_code" text NOT NULL,
	"day" date NOT NULL,
	"last_value" integer NOT NULL,
	CONSTRAINT "application_counters_pk" PRIMARY KEY("centre_code","day")
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"application_no" text PRIMARY KEY NOT NULL,
	"item_code" text NOT NULL,
	"item_version" integer NOT NULL,
	"centre_code" text NOT NULL,
	"lead_department" text NOT NULL,
	"stage" text NOT NULL,
	"applicant" jsonb NOT NULL,
	"materials" jsonb NOT NULL,
	"client_reference" text,
	"consultation_id" integer,
	"responsible_officer" jsonb,
	"submitted_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"picked_up_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"warn_at" timestamp with time zone,
	"promised_due_at" timestamp with time zone,
	"statutory_due_at" timestamp with time zone,
	"due_provisional" boolean DEFAULT false NOT NULL,
	"statutory_limit_days" integer NOT NULL,
	"promised_limit_days" integer NOT NULL,
	"working_days_taken" integer,
	"calendar_days_taken" double precision,
	"on_time" boolean,
	"within_statutory" boolean,
	"stopped_since" timestamp with time zone,
	"stopped_days" integer DEFAULT 0 NOT NULL,
	"supervision" text DEFAULT 'green' NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"application_no" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"centre_code" text NOT NULL,
	"item_code" text NOT NULL,
	"department" text,
	"actor" jsonb,
	"data" jsonb,
	CONSTRAINT "events_pk" PRIMARY KEY("application_no","seq")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"application_no" text NOT NULL,
	"stage" integer NOT NULL,
	"department" text NOT NULL,
	"centre_code" text NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by" jsonb,
	"reason" text,
	"warn_at" timestamp with time zone,
	"promised_due_at" timestamp with time zone,
	"statutory_due_at" timestamp with time zone,
	"responsible" jsonb,
	"late" boolean DEFAULT false NOT NULL,
	"stops" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stopped_days" integer DEFAULT 0 NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reviews_pk" PRIMARY KEY("application_no","stage","department")
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"client_reference" text PRIMARY KEY NOT NULL,
	"application_no" text NOT NULL,
	"input" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"scope" text NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "calendar_days_pk" PRIMARY KEY("scope","day")
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"loaded_by" jsonb
);
--> statement-breakpoint
CREATE TABLE "accountability_cases" (
	"id" text PRIMARY KEY NOT NULL,
	"application_no" text NOT NULL,
	"alert_seq" integer NOT NULL,
	"level" text NOT NULL,
	"centre_code" text NOT NULL,
	"department" text,
	"responsible" jsonb NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "case_steps" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" jsonb NOT NULL,
	"status" text NOT NULL,
	"note" text NOT NULL,
	"outcome" text
);
--> statement-breakpoint
CREATE TABLE "consultations" (
	"id" serial PRIMARY KEY NOT NULL,
	"centre_code" text NOT NULL,
	"officer" jsonb NOT NULL,
	"channel" text NOT NULL,
	"item_code" text,
	"subject" text NOT NULL,
	"inquirer" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" jsonb NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"status" integer NOT NULL,
	"request_id" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "officers" ADD CONSTRAINT "officers_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "officers" ADD CONSTRAINT "officers_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "officers" ADD CONSTRAINT "officers_window_code_windows_code_fk" FOREIGN KEY ("window_code") REFERENCES "public"."windows"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "windows" ADD CONSTRAINT "windows_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "windows" ADD CONSTRAINT "windows_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_item_code_items_code_fk" FOREIGN KEY ("item_code") REFERENCES "public"."items"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_department_departments_code_fk" FOREIGN KEY ("department") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_item_code_items_code_fk" FOREIGN KEY ("item_code") REFERENCES "public"."items"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_cases" ADD CONSTRAINT "accountability_cases_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_steps" ADD CONSTRAINT "case_steps_case_id_accountability_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."accountability_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "centres_parent_idx" ON "centres" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "officers_centre_department_idx" ON "officers" USING btree ("centre_code","department_code");--> statement-breakpoint
CREATE UNIQUE INDEX "windows_centre_department_name_uq" ON "windows" USING btree ("centre_code","department_code","name");--> statement-breakpoint
CREATE INDEX "catalogue_changes_entity_idx" ON "catalogue_changes" USING btree ("entity","key");--> statement-breakpoint
CREATE INDEX "items_department_idx" ON "items" USING btree ("department");--> statement-breakpoint
CREATE INDEX "items_kind_idx" ON "items" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "alerts_centre_at_idx" ON "alerts" USING btree ("centre_code","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_submitted_idx" ON "applications" USING btree ("submitted_at" DESC NULLS LAST,"application_no" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_centre_idx" ON "applications" USING btree ("centre_code","submitted_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_stage_idx" ON "applications" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "applications_item_idx" ON "applications" USING btree ("item_code");--> statement-breakpoint
CREATE INDEX "applications_open_idx" ON "applications" USING btree ("centre_code","supervision") WHERE "applications"."stage" in ('submitted', 'supplement_requested', 'in_review');--> statement-breakpoint
CREATE INDEX "events_day_idx" ON "events" USING btree ("at","centre_code","item_code","type");--> statement-breakpoint
CREATE INDEX "reviews_inbox_idx" ON "reviews" USING btree ("department","status","centre_code");--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_application_uq" ON "submissions" USING btree ("application_no");--> statement-breakpoint
CREATE INDEX "cases_centre_status_idx" ON "accountability_cases" USING btree ("centre_code","status");--> statement-breakpoint
CREATE INDEX "case_steps_case_idx" ON "case_steps" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "consultations_centre_idx" ON "consultations" USING btree ("centre_code","at" DESC NULLS LAST);
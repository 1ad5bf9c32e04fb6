CREATE TABLE "centres" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"parent_code" text,
	"level" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_departments" (
	"item_code" text NOT NULL,
	"department_code" text NOT NULL,
	CONSTRAINT "item_departments_pk" PRIMARY KEY("item_code","department_code")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"kind" text NOT NULL,
	"lead_department" text NOT NULL,
	"statutory_limit_days" integer NOT NULL,
	"promised_limit_days" integer NOT NULL,
	"legal_basis" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
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
	"centre_code" text NOT NULL,
	"lead_department" text NOT NULL,
	"stage" text NOT NULL,
	"applicant" jsonb NOT NULL,
	"materials" jsonb NOT NULL,
	"client_reference" text,
	"responsible_officer" jsonb,
	"submitted_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"picked_up_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"application_no" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"department" text,
	"actor" jsonb,
	"data" jsonb,
	CONSTRAINT "events_pk" PRIMARY KEY("application_no","seq")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"application_no" text NOT NULL,
	"department" text NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by" jsonb,
	"reason" text,
	"last_seq" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reviews_pk" PRIMARY KEY("application_no","department")
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"client_reference" text PRIMARY KEY NOT NULL,
	"application_no" text NOT NULL,
	"input" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "item_departments" ADD CONSTRAINT "item_departments_item_code_items_code_fk" FOREIGN KEY ("item_code") REFERENCES "public"."items"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_departments" ADD CONSTRAINT "item_departments_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_lead_department_departments_code_fk" FOREIGN KEY ("lead_department") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_item_code_items_code_fk" FOREIGN KEY ("item_code") REFERENCES "public"."items"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "applications_submitted_idx" ON "applications" USING btree ("submitted_at" DESC NULLS LAST,"application_no" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_centre_idx" ON "applications" USING btree ("centre_code","submitted_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "applications_stage_idx" ON "applications" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "applications_item_idx" ON "applications" USING btree ("item_code");--> statement-breakpoint
CREATE INDEX "reviews_inbox_idx" ON "reviews" USING btree ("department","status");--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_application_uq" ON "submissions" USING btree ("application_no");
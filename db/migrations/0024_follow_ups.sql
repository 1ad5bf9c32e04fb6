CREATE TABLE "complaint_numbers" (
	"day" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_up_limits" (
	"centre_code" text PRIMARY KEY NOT NULL,
	"contact_days" integer NOT NULL,
	"rectify_days" integer NOT NULL,
	"accept_days" integer NOT NULL,
	"investigate_days" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_up_steps" (
	"follow_up_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"step" text NOT NULL,
	"actor" jsonb,
	"note" text,
	CONSTRAINT "follow_up_steps_follow_up_id_seq_pk" PRIMARY KEY("follow_up_id","seq")
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"stage" text NOT NULL,
	"level" text DEFAULT 'green' NOT NULL,
	"centre_code" text NOT NULL,
	"department" text,
	"application_no" text,
	"rating_event" text,
	"rating_level" text,
	"subject" jsonb,
	"content" text,
	"complainant" jsonb,
	"channel" text,
	"submitted_by" text NOT NULL,
	"reference" text,
	"tracking_hash" text,
	"assignee" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"responsible" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"clocks" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"due_at" timestamp with time zone,
	"outcome" text,
	"findings" text,
	"reply" jsonb,
	"case_id" text,
	"opened_at" timestamp with time zone NOT NULL,
	"contacted_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accountability_cases" ALTER COLUMN "application_no" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "accountability_cases" ADD COLUMN "follow_up_id" text;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "dispute_upheld" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "follow_up_limits" ADD CONSTRAINT "follow_up_limits_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_steps" ADD CONSTRAINT "follow_up_steps_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_centre_code_centres_code_fk" FOREIGN KEY ("centre_code") REFERENCES "public"."centres"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_ups_centre_stage_idx" ON "follow_ups" USING btree ("centre_code","stage");--> statement-breakpoint
CREATE INDEX "follow_ups_application_idx" ON "follow_ups" USING btree ("application_no");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_ups_reference_uq" ON "follow_ups" USING btree ("submitted_by","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_ups_tracking_uq" ON "follow_ups" USING btree ("tracking_hash");
CREATE TABLE "rating_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"application_no" text NOT NULL,
	"notice" text NOT NULL,
	"events" text[] NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"id" serial PRIMARY KEY NOT NULL,
	"application_no" text NOT NULL,
	"event" text NOT NULL,
	"level" text NOT NULL,
	"bad" boolean NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"comment" text,
	"channel" text NOT NULL,
	"rated_by" text NOT NULL,
	"centre_code" text NOT NULL,
	"department" text,
	"window_code" text,
	"window_name" text,
	"officer_id" text,
	"officer_name" text,
	"served_at" timestamp with time zone,
	"rated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_at" timestamp with time zone,
	CONSTRAINT "ratings_event_check" CHECK ("ratings"."event" in ('consultation', 'intake', 'decision', 'pickup')),
	CONSTRAINT "ratings_level_check" CHECK ("ratings"."level" in ('very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'))
);
--> statement-breakpoint
ALTER TABLE "rating_tokens" ADD CONSTRAINT "rating_tokens_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rating_tokens_hash_uq" ON "rating_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "rating_tokens_application_idx" ON "rating_tokens" USING btree ("application_no");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_application_event_uq" ON "ratings" USING btree ("application_no","event");--> statement-breakpoint
CREATE INDEX "ratings_centre_rated_idx" ON "ratings" USING btree ("centre_code","rated_at");
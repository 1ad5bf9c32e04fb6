-- Fees (issue 21): every payment notice and every refund of every application, written by the workflow's
-- recorder; the nonces of the payment platform's verified notifications (a nonce seen twice is a replay);
-- and every reconciliation of a day against the platform's statement, with the differences it found.
CREATE TABLE "fee_notices" (
	"notice_no" text PRIMARY KEY NOT NULL,
	"application_no" text NOT NULL,
	"centre_code" text NOT NULL,
	"item_code" text NOT NULL,
	"department" text NOT NULL,
	"status" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"gross_fen" bigint NOT NULL,
	"lines" jsonb NOT NULL,
	"reductions" jsonb NOT NULL,
	"payment_code" text,
	"assessed_by" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"adjustment" jsonb,
	"payment_id" text,
	"paid_at" timestamp with time zone,
	"receipt_no" text,
	"channel" text,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_reconciliations" (
	"id" serial PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"ran_at" timestamp with time zone DEFAULT now() NOT NULL,
	"statement_lines" integer NOT NULL,
	"recorded_lines" integer NOT NULL,
	"matched" integer NOT NULL,
	"differences" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_refunds" (
	"refund_no" text PRIMARY KEY NOT NULL,
	"notice_no" text NOT NULL,
	"application_no" text NOT NULL,
	"centre_code" text NOT NULL,
	"item_code" text NOT NULL,
	"department" text NOT NULL,
	"payment_id" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"requested_by" jsonb NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" jsonb,
	"decided_at" timestamp with time zone,
	"note" text,
	"submitted_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"failure" text,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fee_notices" ADD CONSTRAINT "fee_notices_application_no_applications_application_no_fk" FOREIGN KEY ("application_no") REFERENCES "public"."applications"("application_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_refunds" ADD CONSTRAINT "fee_refunds_notice_no_fee_notices_notice_no_fk" FOREIGN KEY ("notice_no") REFERENCES "public"."fee_notices"("notice_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fee_notices_application_no_index" ON "fee_notices" USING btree ("application_no");--> statement-breakpoint
CREATE INDEX "fee_notices_centre_code_issued_at_index" ON "fee_notices" USING btree ("centre_code","issued_at");--> statement-breakpoint
CREATE INDEX "fee_notices_status_due_at_index" ON "fee_notices" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "fee_reconciliations_day_index" ON "fee_reconciliations" USING btree ("day");--> statement-breakpoint
CREATE INDEX "fee_refunds_application_no_index" ON "fee_refunds" USING btree ("application_no");--> statement-breakpoint
CREATE INDEX "fee_refunds_centre_code_refunded_at_index" ON "fee_refunds" USING btree ("centre_code","refunded_at");
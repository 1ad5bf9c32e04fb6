ALTER TABLE "applications" ADD COLUMN "handover" jsonb;--> statement-breakpoint
-- Applications picked up before: the officer and recipient their pickup event recorded (as their workflow has them).
UPDATE "applications" SET "handover" = jsonb_strip_nulls(jsonb_build_object('officer', e."actor", 'recipient', e."data"->'recipient'))
FROM "events" e
WHERE e."application_no" = "applications"."application_no" AND e."type" = 'picked_up';

ALTER TABLE "applications" ADD COLUMN "major" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- The applications already submitted: major as their item was in the version they were submitted under
-- (the snapshot their workflow carries); the others keep the default, false.
UPDATE "applications" SET "major" = true
FROM "item_versions" v
WHERE v."item_code" = "applications"."item_code" AND v."version" = "applications"."item_version" AND (v."definition"->>'major')::boolean;

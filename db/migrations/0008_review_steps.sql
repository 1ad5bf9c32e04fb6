-- The review's stages are called steps (a stage is where an application is in its life).
ALTER TABLE "reviews" RENAME COLUMN "stage" TO "step";--> statement-breakpoint
ALTER TABLE "alerts" RENAME COLUMN "stage" TO "step";--> statement-breakpoint
-- Every item version's definition, and the input kept for a submission whose workflow may yet be started.
UPDATE "item_versions" SET "definition" = ("definition" - 'stages') || jsonb_build_object('steps', "definition"->'stages')
WHERE "definition" ? 'stages';--> statement-breakpoint
UPDATE "submissions" SET "input" = ("input" - 'stages') || jsonb_build_object('steps', "input"->'stages')
WHERE "input" ? 'stages';

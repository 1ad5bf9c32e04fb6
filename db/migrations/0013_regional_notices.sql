CREATE TABLE "regional_notices" (
	"region" text NOT NULL,
	"year" integer NOT NULL,
	"source" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"loaded_by" jsonb,
	CONSTRAINT "regional_notices_pk" PRIMARY KEY("region","year")
);

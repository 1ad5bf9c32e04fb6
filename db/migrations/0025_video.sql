CREATE TABLE "camera_health" (
	"camera_id" text PRIMARY KEY NOT NULL,
	"online" boolean NOT NULL,
	"offline_since" timestamp with time zone,
	"last_segment_at" timestamp with time zone,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"recorder" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cameras" (
	"id" text PRIMARY KEY NOT NULL,
	"window_code" text NOT NULL,
	"name" text NOT NULL,
	"rtsp_url" text NOT NULL,
	"username" text,
	"password" text,
	"gb_device_id" text,
	"gb_channel_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "video_views" (
	"id" text PRIMARY KEY NOT NULL,
	"officer_id" text NOT NULL,
	"window_code" text NOT NULL,
	"centre_code" text NOT NULL,
	"from_at" timestamp with time zone,
	"to_at" timestamp with time zone,
	"live" boolean NOT NULL,
	"application_no" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "camera_health" ADD CONSTRAINT "camera_health_camera_id_cameras_id_fk" FOREIGN KEY ("camera_id") REFERENCES "public"."cameras"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cameras" ADD CONSTRAINT "cameras_window_code_windows_code_fk" FOREIGN KEY ("window_code") REFERENCES "public"."windows"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_views" ADD CONSTRAINT "video_views_window_code_windows_code_fk" FOREIGN KEY ("window_code") REFERENCES "public"."windows"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cameras_window_idx" ON "cameras" USING btree ("window_code");--> statement-breakpoint
CREATE INDEX "video_views_officer_idx" ON "video_views" USING btree ("officer_id","created_at");
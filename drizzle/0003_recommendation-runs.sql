ALTER TABLE "recommendation_runs" ADD COLUMN "mode" text DEFAULT 'FULL' NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "companies_total" integer;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "last_company_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "recommendations_new" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "recommendations_changed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "recommendations_dropped" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "measure_states" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "rules_version" text;--> statement-breakpoint
ALTER TABLE "recommendation_runs" ADD COLUMN "stats" jsonb;--> statement-breakpoint
ALTER TABLE "stored_recommendations" ADD COLUMN "first_run_id" bigint;--> statement-breakpoint
ALTER TABLE "stored_recommendations" ADD COLUMN "upcoming" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stored_recommendations" ADD COLUMN "rule_ids" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "stored_recommendations" ADD COLUMN "rank" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "stored_recommendations" ADD COLUMN "dropped_at" timestamp with time zone;
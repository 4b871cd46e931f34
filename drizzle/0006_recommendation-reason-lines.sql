CREATE TABLE "recommendation_reason_lines" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "recommendation_reason_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"line" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stored_recommendations" ADD COLUMN "reason_ids" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "recommendation_reason_lines_line_key" ON "recommendation_reason_lines" USING btree ("line");
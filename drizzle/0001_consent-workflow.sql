DROP INDEX "audit_log_company_idx";--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "responded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "responded_by" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "consent_id" bigint;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "revoked_by" text;--> statement-breakpoint
CREATE INDEX "access_requests_org_idx" ON "access_requests" USING btree ("organization_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_one_pending_key" ON "access_requests" USING btree ("company_id","organization_id") WHERE "access_requests"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "consents_org_idx" ON "consents" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_company_idx" ON "audit_log" USING btree ("company_id","at","id");
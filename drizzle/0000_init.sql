CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "certifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "certifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" bigint NOT NULL,
	"title" text NOT NULL,
	"category" text,
	"approved_on" date,
	"authority" text,
	"measure_id" text,
	"source" text NOT NULL,
	"source_ref" text
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "companies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"corporate_number" text,
	"name" text NOT NULL,
	"name_kana" text,
	"name_en" text,
	"kind_code" text,
	"kind" text NOT NULL,
	"prefecture_code" text,
	"prefecture_name" text,
	"city_code" text,
	"city_name" text,
	"street" text,
	"postal_code" text,
	"address_outside" text,
	"en_prefecture_name" text,
	"en_city_name" text,
	"en_address_outside" text,
	"assignment_date" date,
	"close_date" date,
	"close_cause" text,
	"successor_corporate_number" text,
	"change_cause" text,
	"nta_update_date" date,
	"nta_process" text,
	"nta_hidden" boolean DEFAULT false NOT NULL,
	"industry_code" text,
	"capital_yen" bigint,
	"employees" integer,
	"established_on" date,
	"representative_name" text,
	"sme_category" text DEFAULT 'UNKNOWN' NOT NULL,
	"deemed_large" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "company_registry_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "company_registry_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" bigint NOT NULL,
	"corporate_number" text NOT NULL,
	"row_hash" text NOT NULL,
	"process" text NOT NULL,
	"correct" boolean NOT NULL,
	"latest" boolean NOT NULL,
	"update_date" date,
	"change_date" date,
	"record" jsonb NOT NULL,
	"source" text NOT NULL,
	"source_ref" text,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "facts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" bigint NOT NULL,
	"key" text NOT NULL,
	"value" jsonb,
	"source" text NOT NULL,
	"source_ref" text,
	"as_of" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text
);
--> statement-breakpoint
CREATE TABLE "financials" (
	"company_id" bigint NOT NULL,
	"fiscal_year" smallint NOT NULL,
	"net_sales_yen" bigint,
	"operating_profit_yen" bigint,
	"ordinary_profit_yen" bigint,
	"depreciation_yen" bigint,
	"labor_cost_yen" bigint,
	"total_assets_yen" bigint,
	"net_assets_yen" bigint,
	"borrowings_yen" bigint,
	"cash_yen" bigint,
	"receivables_yen" bigint,
	"inventory_yen" bigint,
	"payables_yen" bigint,
	"employees" integer,
	"source" text NOT NULL,
	"source_ref" text,
	"as_of" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "financials_company_id_fiscal_year_pk" PRIMARY KEY("company_id","fiscal_year")
);
--> statement-breakpoint
CREATE TABLE "support_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "support_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" bigint NOT NULL,
	"title" text NOT NULL,
	"amount_yen" bigint,
	"approved_on" date,
	"authority" text,
	"measure_id" text,
	"application_id" bigint,
	"source" text NOT NULL,
	"source_ref" text
);
--> statement-breakpoint
CREATE TABLE "measure_rounds" (
	"id" text PRIMARY KEY NOT NULL,
	"measure_id" text NOT NULL,
	"label" text NOT NULL,
	"accepting_from" timestamp with time zone,
	"accepting_until" timestamp with time zone,
	"max_amount_yen" bigint,
	"subsidy_rate" text,
	"target_prefectures" text[]
);
--> statement-breakpoint
CREATE TABLE "measures" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"agency" text NOT NULL,
	"summary" text,
	"detail_html" text,
	"max_amount_yen" bigint,
	"subsidy_rate" text,
	"url" text,
	"always_open" boolean DEFAULT false NOT NULL,
	"target_prefectures" text[] DEFAULT '{}' NOT NULL,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"use_purposes" text[] DEFAULT '{}' NOT NULL,
	"unlocks" text[] DEFAULT '{}' NOT NULL,
	"exclusion_months" integer,
	"criteria" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"form_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	"source_ref" text,
	"jgrants_id" text,
	"catalogue_version" text,
	"content_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "application_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "application_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"application_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor" text NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "applications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" bigint NOT NULL,
	"measure_id" text NOT NULL,
	"round_id" text,
	"status" text NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_amount_yen" bigint,
	"granted_amount_yen" bigint,
	"fiscal_year" smallint NOT NULL,
	"prefecture_code" text,
	"industry_code" text,
	"sme_category" text,
	"start_key" text NOT NULL,
	"start_input_hash" text NOT NULL,
	"submit_key" text,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "access_requests" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" text NOT NULL,
	"company_id" bigint NOT NULL,
	"scopes" text[] NOT NULL,
	"purpose" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_sub" text NOT NULL,
	"actor_role" text NOT NULL,
	"organization_id" text,
	"company_id" bigint NOT NULL,
	"scope" text NOT NULL,
	"operation" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" bigint NOT NULL,
	"organization_id" text NOT NULL,
	"scopes" text[] NOT NULL,
	"access_request_id" bigint,
	"granted_by" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_on" date NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "owner_bindings" (
	"sub" text PRIMARY KEY NOT NULL,
	"company_id" bigint NOT NULL,
	"bound_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "import_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"file" text NOT NULL,
	"file_hash" text NOT NULL,
	"status" text NOT NULL,
	"lines_done" bigint DEFAULT 0 NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recommendation_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "recommendation_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"catalogue_hash" text NOT NULL,
	"status" text NOT NULL,
	"companies_done" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "scorecard_procedures" (
	"id" text PRIMARY KEY NOT NULL,
	"ministry" text NOT NULL,
	"program" text NOT NULL,
	"procedure" text NOT NULL,
	"annual_count" integer,
	"baseline_rate" double precision NOT NULL,
	"target_rate" double precision NOT NULL,
	"deadline" text
);
--> statement-breakpoint
CREATE TABLE "scorecard_rates" (
	"procedure_id" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rate" double precision NOT NULL,
	"recorded_by" text NOT NULL,
	CONSTRAINT "scorecard_rates_procedure_id_recorded_at_pk" PRIMARY KEY("procedure_id","recorded_at")
);
--> statement-breakpoint
CREATE TABLE "stored_recommendations" (
	"company_id" bigint NOT NULL,
	"measure_id" text NOT NULL,
	"score" real NOT NULL,
	"verdict" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"missing_data" jsonb NOT NULL,
	"first_recommended_at" timestamp with time zone NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"run_id" bigint NOT NULL,
	CONSTRAINT "stored_recommendations_company_id_measure_id_pk" PRIMARY KEY("company_id","measure_id")
);
--> statement-breakpoint
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_registry_history" ADD CONSTRAINT "company_registry_history_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facts" ADD CONSTRAINT "facts_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "financials" ADD CONSTRAINT "financials_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_records" ADD CONSTRAINT "support_records_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measure_rounds" ADD CONSTRAINT "measure_rounds_measure_id_measures_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_events" ADD CONSTRAINT "application_events_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_measure_id_measures_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_bindings" ADD CONSTRAINT "owner_bindings_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecard_rates" ADD CONSTRAINT "scorecard_rates_procedure_id_scorecard_procedures_id_fk" FOREIGN KEY ("procedure_id") REFERENCES "public"."scorecard_procedures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certifications_key" ON "certifications" USING btree ("company_id","title","approved_on","source");--> statement-breakpoint
CREATE UNIQUE INDEX "companies_corporate_number_key" ON "companies" USING btree ("corporate_number");--> statement-breakpoint
CREATE INDEX "companies_prefecture_idx" ON "companies" USING btree ("prefecture_code","id");--> statement-breakpoint
CREATE INDEX "companies_industry_idx" ON "companies" USING btree ("industry_code","id");--> statement-breakpoint
CREATE INDEX "companies_sme_idx" ON "companies" USING btree ("sme_category","id");--> statement-breakpoint
CREATE INDEX "companies_name_trgm_idx" ON "companies" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "companies_kana_trgm_idx" ON "companies" USING gin ("name_kana" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "company_registry_history_row_key" ON "company_registry_history" USING btree ("corporate_number","row_hash");--> statement-breakpoint
CREATE INDEX "company_registry_history_company_idx" ON "company_registry_history" USING btree ("company_id","update_date");--> statement-breakpoint
CREATE UNIQUE INDEX "facts_version_key" ON "facts" USING btree ("company_id","key","source","as_of");--> statement-breakpoint
CREATE INDEX "facts_company_key_idx" ON "facts" USING btree ("company_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "support_records_key" ON "support_records" USING btree ("company_id","title","approved_on","amount_yen","source");--> statement-breakpoint
CREATE INDEX "support_records_measure_idx" ON "support_records" USING btree ("measure_id","company_id");--> statement-breakpoint
CREATE INDEX "measure_rounds_measure_idx" ON "measure_rounds" USING btree ("measure_id","accepting_from");--> statement-breakpoint
CREATE UNIQUE INDEX "measures_jgrants_id_key" ON "measures" USING btree ("jgrants_id");--> statement-breakpoint
CREATE INDEX "measures_kind_idx" ON "measures" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "application_events_app_idx" ON "application_events" USING btree ("application_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_start_key" ON "applications" USING btree ("created_by","start_key");--> statement-breakpoint
CREATE INDEX "applications_company_idx" ON "applications" USING btree ("company_id","id");--> statement-breakpoint
CREATE INDEX "applications_measure_idx" ON "applications" USING btree ("measure_id","status");--> statement-breakpoint
CREATE INDEX "applications_stats_idx" ON "applications" USING btree ("fiscal_year","measure_id","prefecture_code","status");--> statement-breakpoint
CREATE INDEX "access_requests_company_idx" ON "access_requests" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "audit_log_company_idx" ON "audit_log" USING btree ("company_id","at");--> statement-breakpoint
CREATE INDEX "consents_company_org_idx" ON "consents" USING btree ("company_id","organization_id");
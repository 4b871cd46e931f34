CREATE TABLE "ebpm_application_cells" (
	"measure_id" text NOT NULL,
	"fiscal_year" smallint NOT NULL,
	"prefecture" text NOT NULL,
	"industry" text NOT NULL,
	"sme_category" text NOT NULL,
	"status" text NOT NULL,
	"applications" integer NOT NULL,
	CONSTRAINT "ebpm_application_cells_pk" PRIMARY KEY("measure_id","fiscal_year","prefecture","industry","sme_category","status")
);
--> statement-breakpoint
CREATE TABLE "ebpm_stats_version" (
	"id" smallint PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
-- EBPM rollup, kept in step with applications in the same transaction (docs/adr/0007-ebpm-application-rollup.md).
-- Counted applications: SUBMITTED, ADOPTED, REJECTED, and WITHDRAWN after submission. Statement-level
-- triggers with transition tables: one upsert per statement, whether it touches one row or millions.
-- Deltas are applied in key order, so concurrent writers lock cells in the same order (no deadlock).
-- The version row is bumped only when a counted cell changed (saving a DRAFT does not invalidate the cube).
CREATE FUNCTION ebpm_counted(status text, submitted_at timestamptz) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT status IN ('SUBMITTED', 'ADOPTED', 'REJECTED') OR (status = 'WITHDRAWN' AND submitted_at IS NOT NULL)
$$;
--> statement-breakpoint
CREATE FUNCTION ebpm_industry(industry_code text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN industry_code ~ '^[A-T]' THEN left(industry_code, 1) ELSE 'UNKNOWN' END
$$;
--> statement-breakpoint
CREATE FUNCTION ebpm_rollup_applications() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed bigint := 0;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM ebpm_application_cells;
    changed := 1;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO ebpm_application_cells AS c (measure_id, fiscal_year, prefecture, industry, sme_category, status, applications)
    SELECT measure_id, fiscal_year, prefecture, industry, sme_category, status, sum(delta)::integer
    FROM (
        SELECT measure_id, fiscal_year, coalesce(nullif(prefecture_code, ''), 'UNKNOWN') AS prefecture, ebpm_industry(industry_code) AS industry,
               coalesce(nullif(sme_category, ''), 'UNKNOWN') AS sme_category, status, 1 AS delta
        FROM new_rows WHERE ebpm_counted(status, submitted_at)
    ) AS deltas
    GROUP BY measure_id, fiscal_year, prefecture, industry, sme_category, status
    HAVING sum(delta) <> 0
    ORDER BY measure_id, fiscal_year, prefecture, industry, sme_category, status
    ON CONFLICT ON CONSTRAINT ebpm_application_cells_pk DO UPDATE SET applications = c.applications + EXCLUDED.applications;
    GET DIAGNOSTICS changed = ROW_COUNT;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO ebpm_application_cells AS c (measure_id, fiscal_year, prefecture, industry, sme_category, status, applications)
    SELECT measure_id, fiscal_year, prefecture, industry, sme_category, status, sum(delta)::integer
    FROM (
        SELECT measure_id, fiscal_year, coalesce(nullif(prefecture_code, ''), 'UNKNOWN') AS prefecture, ebpm_industry(industry_code) AS industry,
               coalesce(nullif(sme_category, ''), 'UNKNOWN') AS sme_category, status, -1 AS delta
        FROM old_rows WHERE ebpm_counted(status, submitted_at)
    ) AS deltas
    GROUP BY measure_id, fiscal_year, prefecture, industry, sme_category, status
    HAVING sum(delta) <> 0
    ORDER BY measure_id, fiscal_year, prefecture, industry, sme_category, status
    ON CONFLICT ON CONSTRAINT ebpm_application_cells_pk DO UPDATE SET applications = c.applications + EXCLUDED.applications;
    GET DIAGNOSTICS changed = ROW_COUNT;
  ELSE
    INSERT INTO ebpm_application_cells AS c (measure_id, fiscal_year, prefecture, industry, sme_category, status, applications)
    SELECT measure_id, fiscal_year, prefecture, industry, sme_category, status, sum(delta)::integer
    FROM (
        SELECT measure_id, fiscal_year, coalesce(nullif(prefecture_code, ''), 'UNKNOWN') AS prefecture, ebpm_industry(industry_code) AS industry,
               coalesce(nullif(sme_category, ''), 'UNKNOWN') AS sme_category, status, -1 AS delta
        FROM old_rows WHERE ebpm_counted(status, submitted_at)
        UNION ALL
        SELECT measure_id, fiscal_year, coalesce(nullif(prefecture_code, ''), 'UNKNOWN') AS prefecture, ebpm_industry(industry_code) AS industry,
               coalesce(nullif(sme_category, ''), 'UNKNOWN') AS sme_category, status, 1 AS delta
        FROM new_rows WHERE ebpm_counted(status, submitted_at)
    ) AS deltas
    GROUP BY measure_id, fiscal_year, prefecture, industry, sme_category, status
    HAVING sum(delta) <> 0
    ORDER BY measure_id, fiscal_year, prefecture, industry, sme_category, status
    ON CONFLICT ON CONSTRAINT ebpm_application_cells_pk DO UPDATE SET applications = c.applications + EXCLUDED.applications;
    GET DIAGNOSTICS changed = ROW_COUNT;
  END IF;
  IF changed > 0 THEN
    UPDATE ebpm_stats_version SET version = version + 1 WHERE id = 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ebpm_rollup_insert AFTER INSERT ON applications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ebpm_rollup_applications();
--> statement-breakpoint
CREATE TRIGGER ebpm_rollup_update AFTER UPDATE ON applications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ebpm_rollup_applications();
--> statement-breakpoint
CREATE TRIGGER ebpm_rollup_delete AFTER DELETE ON applications
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ebpm_rollup_applications();
--> statement-breakpoint
CREATE TRIGGER ebpm_rollup_truncate AFTER TRUNCATE ON applications
  FOR EACH STATEMENT EXECUTE FUNCTION ebpm_rollup_applications();
--> statement-breakpoint
INSERT INTO ebpm_stats_version (id, version) VALUES (1, 0);
--> statement-breakpoint
INSERT INTO ebpm_application_cells (measure_id, fiscal_year, prefecture, industry, sme_category, status, applications)
SELECT measure_id, fiscal_year, coalesce(nullif(prefecture_code, ''), 'UNKNOWN'), ebpm_industry(industry_code),
       coalesce(nullif(sme_category, ''), 'UNKNOWN'), status, count(*)::integer
FROM applications WHERE ebpm_counted(status, submitted_at)
GROUP BY 1, 2, 3, 4, 5, 6;

-- The audit log is append-only: rows are inserted, never changed or removed.
-- A statement-level trigger refuses every UPDATE, DELETE and TRUNCATE of audit_log (even one that
-- would touch no row), for every role that does not first drop the trigger. Plain PL/pgSQL: works on
-- PostgreSQL and PGlite. In production also revoke UPDATE, DELETE, TRUNCATE on audit_log from the
-- application's role (docs/adr/0005-access-errors-consent-and-audit.md).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

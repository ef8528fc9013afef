-- audit-owner.sql - the one administrator step of the audit log
-- (docs/operations.md, "Audit log"). Run by a PostgreSQL superuser, on the
-- server's database, after the server applied its migrations (015_audit.sql):
--
--   psql -v server_role=skillarena -d skillarena -f server/sql/admin/audit-owner.sql
--
-- The schema audit and its table audit_log pass to the NOLOGIN role
-- skillarena_audit (made here when missing); the server's role keeps USAGE
-- on the schema, SELECT on the table and INSERT into every column but id and
-- at, nothing more: it cannot UPDATE, DELETE, TRUNCATE or drop the log, nor
-- write a row with another time than the moment it is stored (at defaults
-- to now()). Running it again changes nothing.
\set ON_ERROR_STOP on
DO $$
BEGIN
    CREATE ROLE skillarena_audit NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- made already (by another database of the cluster, or at the same moment)
END
$$;
ALTER SCHEMA audit OWNER TO skillarena_audit;
ALTER TABLE audit.audit_log OWNER TO skillarena_audit;
REVOKE ALL ON SCHEMA audit FROM PUBLIC;
REVOKE ALL ON audit.audit_log FROM PUBLIC;
REVOKE ALL ON audit.audit_log FROM :"server_role";
GRANT USAGE ON SCHEMA audit TO :"server_role";
REVOKE INSERT (at) ON audit.audit_log FROM :"server_role";
GRANT SELECT ON audit.audit_log TO :"server_role";
GRANT INSERT (account_id, actor, ip, action, contest_id, contest_code, target, before, after, detail)
    ON audit.audit_log TO :"server_role";

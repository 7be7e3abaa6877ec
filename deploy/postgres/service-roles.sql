-- One service's database and its two roles (ADR 0026: least privilege). Run as a superuser, connected to the
-- service's database; idempotent, so it also converts a database migrated before the roles existed:
--   psql -v service=admission -v db=svu_admission [-v owner_password=... -v app_password=...] -f service-roles.sql
-- <service>_owner owns the database and its schema and runs the migrations (`python -m <service> migrate`);
-- <service>_app is what the service runs as: it reads and writes rows, may only add to and read the audit log,
-- and can connect to no other service's database (PUBLIC's CONNECT is revoked from each).
\set ON_ERROR_STOP on
\set owner :service _owner
\set app :service _app

SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
\if :{?owner_password}
ALTER ROLE :"owner" PASSWORD :'owner_password';
\endif
\if :{?app_password}
ALTER ROLE :"app" PASSWORD :'app_password';
\endif

-- Only the service's own roles connect (architecture §1: no service reads another's tables).
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
ALTER DATABASE :"db" OWNER TO :"owner";
GRANT CONNECT ON DATABASE :"db" TO :"app";

-- The owner creates in the schema; the app uses what is there; no one else creates anything.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- What the owner's migrations create: the app reads and writes rows, nothing more (no TRUNCATE, REFERENCES,
-- TRIGGER; ALTER and DROP stay the owner's). The audit log's migration narrows its table further.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- A database migrated before these roles: its tables (with their sequences) and functions become the owner's.
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner') FROM pg_tables WHERE schemaname = 'public' \gexec
SELECT format('ALTER FUNCTION public.%I() OWNER TO %I', p.proname, :'owner')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.pronargs = 0 \gexec
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- The audit log is append-only (Patientdatalagen 4 kap. 3 §, ADR 0011): the app adds and reads rows, never more.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.audit_log FROM %I', :'app')
  WHERE to_regclass('public.audit_log') IS NOT NULL \gexec

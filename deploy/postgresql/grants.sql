-- Privileges of a regie ledger on PostgreSQL, for the server deployment (decision 0021).
--
-- Run as the database owner, after `regie init` (as the owner, on the server machine),
-- with the ledger's schema first on the search_path:
--
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f deploy/postgresql/grants.sql
--
-- `regie_service` is the role `regie serve` connects as (create it first:
-- CREATE ROLE regie_service LOGIN PASSWORD '...'); rename it here if yours differs.
-- End users get no database login at all: they act through the server with API tokens.
--
-- History (events, Merkle leaves, checkpoints, stored subtree hashes) takes INSERT and
-- SELECT only: the service
-- cannot change or remove what was written, nor drop the append-only triggers (it owns
-- none of these tables). The key store is the service's alone. The read models are derived
-- data the service rebuilds, so it owns them.

DO $grants$
DECLARE
    service CONSTANT text := 'regie_service';
    ledger_schema CONSTANT text := current_schema();
    read_model record;
BEGIN
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', ledger_schema);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC', ledger_schema);
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', ledger_schema, service);

    -- History: append and read, nothing else.
    EXECUTE format('GRANT SELECT, INSERT ON regie_events, regie_log, regie_checkpoints, '
                   'regie_log_nodes TO %I', service);
    EXECUTE format('GRANT SELECT ON regie_meta TO %I', service);

    -- The key store: wrapped data keys, the tombstones of destroyed ones, and the blind
    -- index of name and date of birth (decision 0027; made by `regie init`).
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON regie_data_keys, '
                   'regie_shredded_keys, regie_blind_index TO %I', service);

    -- Read models: derived, rebuilt by the service (drop and create), so its own.
    FOR read_model IN
        SELECT tablename FROM pg_tables
        WHERE schemaname = ledger_schema AND tablename LIKE 'rm\_%'
    LOOP
        EXECUTE format('ALTER TABLE %I OWNER TO %I', read_model.tablename, service);
    END LOOP;
END
$grants$;

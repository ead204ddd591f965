-- one outbox row per change, holding all its stream entries
-- A row per stream entry made the outbox's inserts and deletes half of the row writes a
-- ticket costs PostgreSQL (about six entries a ticket); a change's entries now share one row.
ALTER TABLE outbox ADD COLUMN messages jsonb;
UPDATE outbox SET messages = jsonb_build_array(jsonb_build_object('stream', stream, 'fields', fields));
ALTER TABLE outbox ALTER COLUMN messages SET NOT NULL, DROP COLUMN stream, DROP COLUMN fields;

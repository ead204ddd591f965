-- Rating tokens: a citizen rates with a token only they receive (the evaluation SMS, the
-- channel's webhook), an HMAC of the ticket and its round under this secret. Made here,
-- at first migration, so no deployment ships or configures one; it never leaves PostgreSQL
-- except to the roles that sign (callback) and check (api) tokens.
CREATE TABLE platform_secrets (
    name text PRIMARY KEY,
    secret bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO platform_secrets (name, secret)
VALUES ('rating-token', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

-- Open311 GeoReport v2 (issue 18): the service a client chose is kept with its ticket, and
-- dispatch reads it as the appeal's title; channels authenticate with keys of their own.
ALTER TABLE tickets ADD COLUMN requested_item text;
-- GET requests lists a channel's tickets newest first.
CREATE INDEX tickets_channel_received_at ON tickets (channel, received_at DESC);

ALTER TABLE api_keys ADD COLUMN channel text;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('department', 'operator', 'channel'));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_channel_check CHECK ((role = 'channel') = (channel IS NOT NULL));

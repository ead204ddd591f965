-- Keys may expire (a contractor's desk, a pilot), and are revoked by id as well as by label.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;

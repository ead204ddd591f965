-- statutory deadlines on tickets
ALTER TABLE tickets
    ADD COLUMN reply_due_at timestamptz,
    -- True when the deadline counted days of a year whose holiday notice was not loaded.
    ADD COLUMN reply_due_provisional boolean NOT NULL DEFAULT false,
    ADD COLUMN intervene_due_at timestamptz;
CREATE INDEX tickets_reply_due_at ON tickets (reply_due_at) WHERE reply_due_at IS NOT NULL;

-- duplicate reports linked to a parent ticket
ALTER TABLE tickets
    -- Set on a report of an incident another open ticket already holds (status 'linked').
    ADD COLUMN parent_id uuid REFERENCES tickets (id),
    -- The classifier's leading items and probabilities, which duplicate detection compares.
    ADD COLUMN item_candidates jsonb;
CREATE INDEX tickets_children ON tickets (parent_id) WHERE parent_id IS NOT NULL;
-- The open tickets a new report may join, by duplicate scope.
CREATE INDEX tickets_open_parents ON tickets (category_code, street_code, received_at)
    WHERE parent_id IS NULL AND status IN ('dispatched', 'accepted', 'staged', 'reopened');

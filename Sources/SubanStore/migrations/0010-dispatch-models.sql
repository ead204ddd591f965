-- dispatch models versioned in PostgreSQL, operators' corrections as training examples, items urgent by nature
-- An item such as a gas leak or a trapped lift is urgent whatever words the citizen uses.
ALTER TABLE catalog_items ADD COLUMN urgent_by_nature boolean NOT NULL DEFAULT false;
UPDATE catalog_items SET urgent_by_nature = true
WHERE code IN ('utilities.gas-leak', 'safety.fire-emergency', 'safety.trapped', 'safety.building-collapse', 'safety.flooding');

-- Every model `suban train` makes. Dispatch decides with the one `active` model and runs
-- a `shadow` one beside it (decides and logs, does not act); a promoted model retires the
-- one before it. `report` holds the figures it was promoted on.
CREATE TABLE dispatch_models (
    version serial PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('candidate', 'shadow', 'active', 'retired')),
    model bytea NOT NULL,
    trained_on jsonb NOT NULL,
    report jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    promoted_at timestamptz
);
CREATE UNIQUE INDEX dispatch_models_one_active ON dispatch_models (status) WHERE status = 'active';
CREATE UNIQUE INDEX dispatch_models_one_shadow ON dispatch_models (status) WHERE status = 'shadow';

-- Operators' corrections, each a labelled appeal for the next model: the text as the
-- citizen wrote it, the item the operator settled on, and where the label came from.
CREATE TABLE training_examples (
    id bigserial PRIMARY KEY,
    ticket_id uuid REFERENCES tickets (id),
    text text NOT NULL,
    item_code text NOT NULL,
    urgent boolean,
    source text NOT NULL CHECK (source IN ('triage', 'arbitration', 'return-upheld', 'unlink', 'reclassify', 'import')),
    operator text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ticket_id, source)
);

-- tickets, timeline, assignments, catalog, outbox
CREATE TABLE departments (
    code text PRIMARY KEY,
    name text NOT NULL,
    level text NOT NULL CHECK (level IN ('city', 'district', 'street')),
    district_code text,
    active boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog_categories (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE catalog_items (
    code text PRIMARY KEY,
    category_code text NOT NULL REFERENCES catalog_categories (code),
    name text NOT NULL,
    lead text NOT NULL,
    co_handlers text[] NOT NULL DEFAULT '{}',
    keywords text[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
    id uuid PRIMARY KEY,
    tracking_code text NOT NULL UNIQUE,
    channel text NOT NULL,
    channel_ref text NOT NULL,
    type text NOT NULL,
    urgent boolean NOT NULL,
    text text NOT NULL,
    district_code text,
    street_code text,
    community text,
    address text,
    latitude double precision,
    longitude double precision,
    anonymous boolean NOT NULL,
    attachments jsonb NOT NULL DEFAULT '[]',
    status text NOT NULL,
    category_code text,
    item_code text,
    confidence real,
    received_at timestamptz NOT NULL,
    dispatch_due_at timestamptz NOT NULL,
    dispatched_at timestamptz,
    UNIQUE (channel, channel_ref)
);
CREATE INDEX tickets_status_received_at ON tickets (status, received_at);

-- Citizens' numbers live apart from tickets, so no department view or export
-- can select them by accident.
CREATE TABLE citizen_contacts (
    ticket_id uuid PRIMARY KEY REFERENCES tickets (id),
    phone text NOT NULL
);

CREATE TABLE assignments (
    id bigserial PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    department_code text NOT NULL REFERENCES departments (code),
    role text NOT NULL CHECK (role IN ('lead', 'co-handler')),
    status text NOT NULL DEFAULT 'queued',
    assigned_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ticket_id, department_code)
);
CREATE INDEX assignments_department ON assignments (department_code, status);

-- The timeline: append-only, one row per state change
-- (received, dispatched, triaged, assigned so far).
CREATE TABLE ticket_events (
    id bigserial PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    kind text NOT NULL,
    department_code text,
    detail jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- Transactional outbox: stream entries written in the same transaction as the
-- change they announce, deleted once Redis has them. What a crash leaves here
-- the relay publishes.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    stream text NOT NULL,
    fields jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Set by a relay while it publishes a stale row, so two relays do not both take it.
    claimed_until timestamptz
);
CREATE INDEX outbox_created_at ON outbox (created_at);

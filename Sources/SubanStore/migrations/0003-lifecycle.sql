-- lifecycle: clocks, supervision, ratings, visits, notifications, keys
ALTER TABLE tickets
    -- 1 at first, 2 after a dissatisfaction return, 3 under special supervision.
    ADD COLUMN round int NOT NULL DEFAULT 1,
    ADD COLUMN extensions int NOT NULL DEFAULT 0 CHECK (extensions BETWEEN 0 AND 2),
    ADD COLUMN visit_open boolean NOT NULL DEFAULT false,
    ADD COLUMN leader text,
    ADD COLUMN outcome text,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE assignments ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX assignments_ticket ON assignments (ticket_id);
CREATE INDEX assignments_disputed ON assignments (assigned_at) WHERE status = 'disputed';
CREATE INDEX tickets_triage ON tickets (received_at) WHERE status = 'triage';

-- Every running time limit. The sweeper looks at a clock when next_at comes;
-- NULL once it is stopped or every stage has fired.
CREATE TABLE sla_clocks (
    id bigserial PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    assignment_id bigint REFERENCES assignments (id),
    department_code text,
    kind text NOT NULL CHECK (kind IN ('dispatch', 'intervention', 'reply', 'milestone')),
    milestone int,
    title text,
    starts_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL,
    fired text[] NOT NULL DEFAULT '{}',
    next_at timestamptz,
    stopped_at timestamptz
);
CREATE INDEX sla_clocks_next_at ON sla_clocks (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX sla_clocks_ticket ON sla_clocks (ticket_id);

-- Supervision records (督办); one per clock and kind, so two sweepers cannot open two.
CREATE TABLE supervisions (
    id bigserial PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    department_code text,
    kind text NOT NULL CHECK (kind IN ('overdue', 'escalated', 'milestone', 'special')),
    clock_id bigint REFERENCES sla_clocks (id),
    reason text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    UNIQUE (clock_id, kind)
);
CREATE INDEX supervisions_open ON supervisions (opened_at) WHERE closed_at IS NULL;

CREATE TABLE ratings (
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    round int NOT NULL,
    speed smallint NOT NULL CHECK (speed BETWEEN 1 AND 5),
    effect smallint NOT NULL CHECK (effect BETWEEN 1 AND 5),
    service smallint NOT NULL CHECK (service BETWEEN 1 AND 5),
    quality smallint NOT NULL CHECK (quality BETWEEN 1 AND 5),
    satisfied boolean NOT NULL,
    comment text,
    rated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, round)
);

-- Callback visits (回访) after replies to complaints and reports.
CREATE TABLE callback_visits (
    id bigserial PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    round int NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    done_at timestamptz,
    solved boolean,
    note text,
    UNIQUE (ticket_id, round)
);
CREATE INDEX callback_visits_open ON callback_visits (opened_at) WHERE done_at IS NULL;

-- Outgoing messages. (dedupe_key, recipient) is unique: an event delivered
-- twice makes one message. The phone is looked up at send time, never copied here.
CREATE TABLE notifications (
    id bigserial PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES tickets (id),
    dedupe_key text NOT NULL,
    recipient text NOT NULL,
    transport text NOT NULL CHECK (transport IN ('sms', 'webhook')),
    payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (dedupe_key, recipient)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';

-- Privacy numbers: units call the citizen through these, never the real number.
CREATE SEQUENCE virtual_number_seq;
CREATE TABLE virtual_numbers (
    ticket_id uuid PRIMARY KEY REFERENCES tickets (id),
    number text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Credentials: a department key sees that department only; an operator key
-- (dispatchers, arbitration, callback staff) sees the platform's queues.
CREATE TABLE api_keys (
    id bigserial PRIMARY KEY,
    token_sha256 text NOT NULL UNIQUE,
    role text NOT NULL CHECK (role IN ('department', 'operator')),
    department_code text REFERENCES departments (code),
    label text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CHECK ((role = 'department') = (department_code IS NOT NULL))
);

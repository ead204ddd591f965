-- analytics: daily figures per cell, applied events, hot issues, places and class cases
-- One row per day × category × item × district × street × department × channel;
-- '' is "none". Counts and sums only: rates are derived when read, so rows add up.
CREATE TABLE analytics_daily (
    day date NOT NULL,
    category text NOT NULL,
    item text NOT NULL,
    district text NOT NULL,
    street text NOT NULL,
    department text NOT NULL,
    channel text NOT NULL,
    received int NOT NULL DEFAULT 0,
    dispatched int NOT NULL DEFAULT 0,
    replied int NOT NULL DEFAULT 0,
    closed int NOT NULL DEFAULT 0,
    overdue int NOT NULL DEFAULT 0,
    returned int NOT NULL DEFAULT 0,
    dissatisfaction_returns int NOT NULL DEFAULT 0,
    handling_days double precision NOT NULL DEFAULT 0,
    on_time int NOT NULL DEFAULT 0,
    rated int NOT NULL DEFAULT 0,
    satisfied int NOT NULL DEFAULT 0,
    speed int NOT NULL DEFAULT 0,
    effect int NOT NULL DEFAULT 0,
    service int NOT NULL DEFAULT 0,
    quality int NOT NULL DEFAULT 0,
    first_time_right int NOT NULL DEFAULT 0,
    PRIMARY KEY (day, category, item, district, street, department, channel)
);
-- Events-stream entries already counted: a redelivered entry finds its id here
-- and adds nothing. Pruned after a week, long after any redelivery.
CREATE TABLE analytics_applied (
    entry_id text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analytics_applied_at ON analytics_applied (applied_at);
-- The daily top-10 hot issues, by catalog item and by place, stored at day close.
CREATE TABLE hot_issues (
    day date NOT NULL,
    kind text NOT NULL CHECK (kind IN ('item', 'place')),
    rank int NOT NULL,
    key text NOT NULL,
    label text NOT NULL,
    count int NOT NULL,
    previous int NOT NULL,
    samples jsonb NOT NULL,
    PRIMARY KEY (day, kind, rank)
);
-- Where each classified ticket is, as analytics read it when dispatch decided it:
-- its item and the place it names (an estate, site or station on a street, else a
-- road). Class cases are the items and places that keep coming back.
CREATE TABLE ticket_places (
    ticket_id uuid PRIMARY KEY REFERENCES tickets (id),
    received_at timestamptz NOT NULL,
    item text NOT NULL,
    district text NOT NULL,
    place_key text NOT NULL,
    place_label text NOT NULL
);
CREATE INDEX ticket_places_case ON ticket_places (item, place_key, received_at);
CREATE INDEX ticket_places_received ON ticket_places (received_at);
-- Class cases (类案): one problem at one place over weeks. Operators put a case
-- under governance with a lead unit and follow its weekly trend afterwards.
CREATE TABLE class_cases (
    id bigserial PRIMARY KEY,
    item text NOT NULL,
    place_key text NOT NULL,
    label text NOT NULL,
    district text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'governance')),
    lead_department text REFERENCES departments (code),
    note text,
    governance_since timestamptz,
    UNIQUE (item, place_key)
);
-- The ops page's throughput: appeals received and dispatched per minute, last hour.
CREATE INDEX tickets_received_at ON tickets (received_at);
CREATE INDEX tickets_dispatched_at ON tickets (dispatched_at) WHERE dispatched_at IS NOT NULL;
-- Days whose hot issues are closed (even a day with none).
CREATE TABLE hot_issue_days (
    day date PRIMARY KEY,
    closed_at timestamptz NOT NULL DEFAULT now()
);

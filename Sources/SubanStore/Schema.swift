import Postgres

/// Suban's schema, one migration per change, never edited once shipped.
public enum Schema {
    public static let migrator = Migrator(migrations: [initial, statutoryDeadlines, lifecycle, holidayNotices, duplicateLinks, analytics, monthlyTimeline, placeKeys, outboxBatches])

    static let initial = Migration(version: 1, name: "tickets, timeline, assignments, catalog, outbox", sql: """
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
        """)

    static let statutoryDeadlines = Migration(version: 2, name: "statutory deadlines on tickets", sql: """
        ALTER TABLE tickets
            ADD COLUMN reply_due_at timestamptz,
            -- True when the deadline counted days of a year whose holiday notice was not loaded.
            ADD COLUMN reply_due_provisional boolean NOT NULL DEFAULT false,
            ADD COLUMN intervene_due_at timestamptz;
        CREATE INDEX tickets_reply_due_at ON tickets (reply_due_at) WHERE reply_due_at IS NOT NULL;
        """)

    static let lifecycle = Migration(version: 3, name: "lifecycle: clocks, supervision, ratings, visits, notifications, keys", sql: """
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
        """)

    static let holidayNotices = Migration(version: 4, name: "holiday notices loaded at run time", sql: """
        -- A year's State Council notice, loaded by operators without a rebuild; it
        -- overrides the arrangement shipped in the binary for the same year.
        CREATE TABLE holiday_arrangements (
            year int PRIMARY KEY,
            holidays date[] NOT NULL,
            make_up_workdays date[] NOT NULL,
            source text,
            loaded_at timestamptz NOT NULL DEFAULT now()
        );
        """)

    static let duplicateLinks = Migration(version: 5, name: "duplicate reports linked to a parent ticket", sql: """
        ALTER TABLE tickets
            -- Set on a report of an incident another open ticket already holds (status 'linked').
            ADD COLUMN parent_id uuid REFERENCES tickets (id),
            -- The classifier's leading items and probabilities, which duplicate detection compares.
            ADD COLUMN item_candidates jsonb;
        CREATE INDEX tickets_children ON tickets (parent_id) WHERE parent_id IS NOT NULL;
        -- The open tickets a new report may join, by duplicate scope.
        CREATE INDEX tickets_open_parents ON tickets (category_code, street_code, received_at)
            WHERE parent_id IS NULL AND status IN ('dispatched', 'accepted', 'staged', 'reopened');
        """)

    static let analytics = Migration(version: 6, name: "analytics: daily figures per cell, applied events, hot issues, places and class cases", sql: """
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
        """)

    /// The timeline grows with every step of every ticket, forever: partitioned by month
    /// (China time), old months can be detached and archived without touching new ones.
    /// `suban_month_partitions` makes the months ahead; the day close calls it daily.
    static let monthlyTimeline = Migration(version: 7, name: "timeline partitioned by month", sql: """
        -- Makes `months` monthly partitions of `parent` from the month of `first_day` on.
        -- Rows the default partition caught for a new month move into it first, so a late
        -- month is made as well as an early one.
        CREATE FUNCTION suban_month_partitions(parent text, first_day date, months int) RETURNS int LANGUAGE plpgsql AS $$
        DECLARE
            month date := date_trunc('month', first_day)::date;
            created int := 0;
            name text;
            low timestamptz;
            high timestamptz;
        BEGIN
            FOR i IN 1..months LOOP
                name := parent || '_' || to_char(month, 'YYYYMM');
                low := month::timestamp AT TIME ZONE 'Asia/Shanghai';
                high := (month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai';
                IF to_regclass(name) IS NULL THEN
                    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', name, parent);
                    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE at >= %L AND at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                                   parent || '_default', low, high, name);
                    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, low, high);
                    created := created + 1;
                END IF;
                month := (month + interval '1 month')::date;
            END LOOP;
            RETURN created;
        END $$;

        ALTER TABLE ticket_events RENAME TO ticket_events_unpartitioned;
        ALTER INDEX ticket_events_ticket RENAME TO ticket_events_unpartitioned_ticket;
        ALTER TABLE ticket_events_unpartitioned ALTER COLUMN id DROP DEFAULT;
        ALTER SEQUENCE ticket_events_id_seq OWNED BY NONE;
        CREATE TABLE ticket_events (
            id bigint NOT NULL DEFAULT nextval('ticket_events_id_seq'),
            ticket_id uuid NOT NULL REFERENCES tickets (id),
            kind text NOT NULL,
            department_code text,
            detail jsonb NOT NULL DEFAULT '{}',
            at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, at)
        ) PARTITION BY RANGE (at);
        ALTER SEQUENCE ticket_events_id_seq OWNED BY ticket_events.id;
        CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
        -- Only a safety net: rows land here if the months ahead were not made in time.
        CREATE TABLE ticket_events_default PARTITION OF ticket_events DEFAULT;
        SELECT suban_month_partitions('ticket_events',
                                      (coalesce((SELECT min(at) FROM ticket_events_unpartitioned), now()) AT TIME ZONE 'Asia/Shanghai')::date,
                                      (SELECT (extract(year FROM age(now(), coalesce(min(at), now()))) * 12
                                               + extract(month FROM age(now(), coalesce(min(at), now()))))::int + 5
                                       FROM ticket_events_unpartitioned));
        INSERT INTO ticket_events (id, ticket_id, kind, department_code, detail, at)
        SELECT id, ticket_id, kind, department_code, detail, at FROM ticket_events_unpartitioned;
        DROP TABLE ticket_events_unpartitioned;
        """)

    static let placeKeys = Migration(version: 8, name: "place keys of dispatched tickets, for duplicate candidates", sql: """
        -- The places a ticket names (DispatchWorker), so a new report is compared only with
        -- the open tickets of its street that could be about the same place.
        ALTER TABLE tickets ADD COLUMN place_keys text[], ADD COLUMN place_numbers text[];
        """)

    static let outboxBatches = Migration(version: 9, name: "one outbox row per change, holding all its stream entries", sql: """
        -- A row per stream entry made the outbox's inserts and deletes half of the row writes a
        -- ticket costs PostgreSQL (about six entries a ticket); a change's entries now share one row.
        ALTER TABLE outbox ADD COLUMN messages jsonb;
        UPDATE outbox SET messages = jsonb_build_array(jsonb_build_object('stream', stream, 'fields', fields));
        ALTER TABLE outbox ALTER COLUMN messages SET NOT NULL, DROP COLUMN stream, DROP COLUMN fields;
        """)
}

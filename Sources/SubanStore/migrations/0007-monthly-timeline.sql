-- timeline partitioned by month
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

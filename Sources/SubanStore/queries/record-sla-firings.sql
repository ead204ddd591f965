-- Records SLA firings (SLAStore.record): $1 the firings as FiringRow records in order n,
-- $2 the events stream. A supervision at overdue and escalation (once a clock), a timeline
-- step each, and their events. Ends in the outbox row of the events.
WITH f AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x({{firing_columns}})
), opened AS (
    INSERT INTO supervisions (ticket_id, department_code, kind, clock_id, reason)
    SELECT ticket, department, supervision, clock, reason FROM f WHERE supervision IS NOT NULL
    ON CONFLICT (clock_id, kind) DO NOTHING
), timeline AS (
    INSERT INTO ticket_events (ticket_id, kind, department_code, detail)
    SELECT ticket, event, department, detail FROM f ORDER BY n
    RETURNING id, ticket_id, kind, department_code, at
), messages AS (
    SELECT $2 AS stream, jsonb_build_object('event', kind, 'event_id', id::text, 'ticket', ticket_id::text,
                                            'department', coalesce(department_code, ''), 'at', at::text) AS fields, id AS n
    FROM timeline
)
{{insert_messages}}

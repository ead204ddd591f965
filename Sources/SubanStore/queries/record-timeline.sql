-- Records a ticket's timeline steps (LifecycleStore.record): $1 the ticket, $2 the steps as
-- EventRow records in order n, $3 the events stream, $4 the round. Ends in the outbox row of the events.
WITH e AS (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS x({{event_columns}})
), inserted AS (
    INSERT INTO ticket_events (ticket_id, kind, department_code, detail)
    SELECT $1, kind, department, detail FROM e ORDER BY n
    RETURNING id, kind, department_code, at
), messages AS (
    SELECT $3 AS stream, jsonb_build_object('event', kind, 'event_id', id::text, 'ticket', $1::text, 'department', coalesce(department_code, ''),
                                            'round', $4::text, 'at', at::text) AS fields, id AS n
    FROM inserted
)
{{insert_messages}}

-- Records a batch of dispatch outcomes (TicketStore.recordDispatch): $1 the outcomes as
-- DispatchRow records, $2 the events stream. Only tickets still 'received' change, so a
-- redelivered entry records nothing twice. Ends in the outbox rows of the queue entries and events.
WITH d AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x({{outcome_columns}})
), updated AS (
    UPDATE tickets t SET status = d.status, item_code = d.item_code, category_code = d.category_code,
        confidence = d.confidence, urgent = d.urgent, parent_id = d.parent_id, item_candidates = d.candidates,
        place_keys = d.place_keys, place_numbers = d.place_numbers,
        district_code = coalesce(t.district_code, d.district_code), street_code = coalesce(t.street_code, d.street_code),
        dispatched_at = CASE WHEN d.status = 'dispatched' THEN now() END,
        intervene_due_at = CASE WHEN d.urgent THEN t.received_at + interval '24 hours' END, updated_at = now()
    -- Found by primary key: joined on status instead, a backlog of thousands of received
    -- tickets was scanned by every batch.
    FROM d WHERE t.id = ANY(ARRAY(SELECT id FROM d)) AND t.id = d.id AND t.status = 'received'
    RETURNING t.id, t.status, t.urgent, t.item_code, t.reply_due_at, t.intervene_due_at, t.parent_id
), escalated AS (
    -- An urgent report joined a calm ticket: the incident is urgent, intervention within 24 hours.
    -- A parent decided in this batch is made urgent by the caller (one row is updated once a statement).
    UPDATE tickets p SET urgent = true, intervene_due_at = now() + interval '24 hours', updated_at = now()
    FROM (SELECT DISTINCT u.parent_id FROM updated u JOIN d USING (id) WHERE d.escalates_parent) e
    WHERE p.id = e.parent_id AND NOT p.urgent AND p.id <> ALL (ARRAY(SELECT id FROM d))
    RETURNING p.id, p.intervene_due_at, p.status
), dispatch_clocks AS (
    -- A linked report is placed too: its parent's clocks run for it.
    UPDATE sla_clocks c SET stopped_at = now(), next_at = NULL
    FROM updated u WHERE c.ticket_id = u.id AND u.status IN ('dispatched', 'linked') AND c.kind = 'dispatch' AND c.stopped_at IS NULL
), units AS (
    SELECT u.id AS ticket_id, x.department, x.role, x.stream
    FROM updated u JOIN d USING (id), jsonb_to_recordset(d.units) AS x(department text, role text, stream text)
), assigned AS (
    INSERT INTO assignments (ticket_id, department_code, role)
    SELECT ticket_id, department, role FROM units
    ON CONFLICT (ticket_id, department_code) DO NOTHING
    RETURNING id, ticket_id, department_code, role
), clocks AS (
    INSERT INTO sla_clocks (ticket_id, assignment_id, department_code, kind, starts_at, due_at, next_at)
    SELECT a.ticket_id, a.id, a.department_code, 'reply', now(), u.reply_due_at, now()
    FROM assigned a JOIN updated u ON u.id = a.ticket_id WHERE u.reply_due_at IS NOT NULL
    UNION ALL
    SELECT u.id, NULL, NULL, 'intervention', now(), u.intervene_due_at, now()
    FROM updated u WHERE u.status = 'dispatched' AND u.intervene_due_at IS NOT NULL
    UNION ALL
    SELECT e.id, NULL, NULL, 'intervention', now(), e.intervene_due_at, now()
    FROM escalated e WHERE e.status IN ('dispatched', 'accepted', 'staged', 'reopened')
), timeline AS (
    INSERT INTO ticket_events (ticket_id, kind, department_code, detail)
    SELECT u.id, CASE u.status WHEN 'dispatched' THEN 'dispatched' WHEN 'linked' THEN 'linked' ELSE 'triaged' END, NULL, d.detail
    FROM updated u JOIN d USING (id)
    UNION ALL
    SELECT ticket_id, 'assigned', department_code, jsonb_build_object('role', role, 'assignment', id) FROM assigned
    UNION ALL
    SELECT u.parent_id, 'duplicate_linked', NULL, '{}'::jsonb FROM updated u WHERE u.parent_id IS NOT NULL
    UNION ALL
    SELECT id, 'urgency_raised', NULL, jsonb_build_object('reason', 'an urgent report of the incident joined') FROM escalated
), messages AS (
    SELECT stream, fields, row_number() OVER () AS n FROM (
        SELECT un.stream, jsonb_build_object('assignment', a.id::text, 'ticket', a.ticket_id::text, 'department', a.department_code,
                                             'role', a.role, 'urgent', u.urgent::text, 'item', coalesce(u.item_code, '')) AS fields
        FROM assigned a JOIN units un ON un.ticket_id = a.ticket_id AND un.department = a.department_code
                        JOIN updated u ON u.id = a.ticket_id
        UNION ALL
        SELECT $2, jsonb_build_object('event', CASE u.status WHEN 'dispatched' THEN 'dispatched' WHEN 'linked' THEN 'linked' ELSE 'triaged' END,
                                      'ticket', u.id::text, 'at', now()::text, 'source', 'dispatch')
                   || CASE WHEN u.parent_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('parent', u.parent_id::text) END
        FROM updated u
        UNION ALL
        SELECT $2, jsonb_build_object('event', 'assigned', 'ticket', a.ticket_id::text, 'department', a.department_code,
                                      'role', a.role, 'assignment', a.id::text, 'at', now()::text)
        FROM assigned a) m
)
{{insert_messages}}

-- Records a batch of appeals (TicketStore.recordAppeals): $1 the tickets as AppealRow
-- records, $2 the new-tickets stream, $3 the events stream. The tickets, their contacts, SLA
-- clocks and 'received' events; a used (channel, channel_ref) records nothing. Ends in the
-- outbox rows of the new tickets.
WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x({{ticket_columns}})
), inserted AS (
    INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, district_code, street_code,
                         community, address, latitude, longitude, anonymous, attachments, status, received_at, dispatch_due_at,
                         reply_due_at, reply_due_provisional, intervene_due_at, appeal_digest, requested_item)
    SELECT id, tracking_code, channel, channel_ref, type, urgent, text, district_code, street_code,
           community, address, latitude, longitude, anonymous, attachments, 'received', received_at, dispatch_due_at,
           reply_due_at, reply_due_provisional, intervene_due_at, appeal_digest, requested_item
    FROM input
    ON CONFLICT (channel, channel_ref) DO NOTHING
    RETURNING id, channel, type, urgent, received_at, dispatch_due_at
), clocks AS (
    -- next_at = now: the sweeper arms the clock with its warning share on first sight.
    INSERT INTO sla_clocks (ticket_id, kind, starts_at, due_at, next_at)
    SELECT id, 'dispatch', received_at, dispatch_due_at, received_at FROM inserted
), contacts AS (
    INSERT INTO citizen_contacts (ticket_id, phone, verified)
    SELECT input.id, input.phone, input.phone_verified FROM inserted JOIN input USING (id) WHERE input.phone IS NOT NULL
), timeline AS (
    INSERT INTO ticket_events (ticket_id, kind, detail, at)
    SELECT id, 'received', jsonb_build_object('channel', channel, 'type', type, 'urgent', urgent), received_at FROM inserted
), messages AS (
    SELECT stream, fields, row_number() OVER () AS n FROM (
        SELECT $2 AS stream, jsonb_build_object('ticket', id::text) AS fields FROM inserted
        UNION ALL
        SELECT $3, jsonb_build_object('event', 'received', 'ticket', id::text, 'channel', channel, 'type', type,
                                      'urgent', urgent::text, 'at', received_at::text)
        FROM inserted) m
)
{{insert_messages}}

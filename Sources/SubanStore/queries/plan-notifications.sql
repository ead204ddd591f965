-- Stores planned citizen notices (NotificationStore.plan): $1 the notices as NotificationRow
-- records in order n, $2 the SMS a day an unverified number may get. A notice already planned
-- (same dedupe key and recipient) is not stored again; an SMS over the cap is stored 'capped'.
WITH planned AS (
    SELECT x.*, c.phone, c.verified, row_number() OVER (PARTITION BY c.phone ORDER BY x.n) AS nth
    FROM jsonb_to_recordset($1::jsonb) AS x({{notification_columns}})
    LEFT JOIN citizen_contacts c ON c.ticket_id = x.ticket AND x.transport = 'sms'
)
INSERT INTO notifications (ticket_id, dedupe_key, recipient, transport, payload, status)
SELECT ticket, dedupe_key, recipient, transport, payload,
       -- This batch's earlier SMS to the number count too (nth), so one batch cannot pass the cap.
       CASE WHEN phone IS NOT NULL AND NOT verified AND nth + (
           SELECT count(*) FROM citizen_contacts c JOIN notifications n ON n.ticket_id = c.ticket_id
           WHERE c.phone = planned.phone AND n.transport = 'sms' AND n.status <> 'capped' AND n.created_at > now() - interval '24 hours'
       ) > $2 THEN 'capped' ELSE 'pending' END
FROM planned
ON CONFLICT (dedupe_key, recipient) DO NOTHING
RETURNING status

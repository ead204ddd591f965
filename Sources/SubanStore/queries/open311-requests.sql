-- A page of Open311 service requests (Open311Requests.list): $1.. bound by the caller, $2 the
-- closed statuses; the placeholders are the caller's filters and its limit and offset parameters.
-- A linked report shows its parent's handling (h), never other citizens' words.
SELECT t.id, h.status, coalesce(h.item_code, t.requested_item) AS service_code, i.name AS service_name, t.text,
       d.name AS agency, t.parent_id IS NOT NULL AS linked, t.type, h.urgent, t.received_at, h.updated_at, h.reply_due_at,
       t.address, t.latitude, t.longitude, t.attachments->0->>'url' AS media_url,
       CASE WHEN t.parent_id IS NULL THEN (
           SELECT e.detail->>'text' FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'unit_replied'
           ORDER BY e.detail->>'role' = 'lead' DESC, e.id DESC LIMIT 1
       ) END AS status_notes,
       h.status = ANY($2::text[]) AS closed
FROM tickets t
JOIN tickets h ON h.id = coalesce(t.parent_id, t.id)
LEFT JOIN catalog_items i ON i.code = coalesce(h.item_code, t.requested_item)
LEFT JOIN LATERAL (
    SELECT a.department_code FROM assignments a
    WHERE a.ticket_id = h.id AND a.role = 'lead' AND a.status <> 'released' ORDER BY a.id DESC LIMIT 1
) lead ON true
LEFT JOIN departments d ON d.code = lead.department_code
WHERE {{conditions}}
ORDER BY t.received_at DESC, t.id
LIMIT {{limit}} OFFSET {{offset}}

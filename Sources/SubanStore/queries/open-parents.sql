-- The open tickets that could be a parent of one of the reports (TicketStore.openParents):
-- $1 the reports as ReportScope records, $2 the window in seconds. Only tickets sharing a
-- place name with a report, and none naming other house or block numbers than it does.
WITH matched AS (
    SELECT DISTINCT c.id
    FROM jsonb_to_recordset($1::jsonb) AS r({{report_columns}})
    CROSS JOIN LATERAL (
        SELECT t.id FROM tickets t
        WHERE t.category_code = ANY (r.categories)
          -- The report's scopes: its street; its district where either street is unknown (the detector asks both to name a site).
          AND (t.street_code = r.street OR ((r.street IS NULL OR t.street_code IS NULL) AND t.district_code = r.district))
          AND t.parent_id IS NULL AND t.status IN ('dispatched', 'accepted', 'staged', 'reopened')
          AND t.received_at > now() - make_interval(secs => $2)
          -- Both name house or block numbers and share none: two places (the detector's own rule).
          AND (cardinality(r.numbers) = 0 OR coalesce(cardinality(t.place_numbers), 0) = 0 OR t.place_numbers && r.numbers)
          AND (t.place_keys IS NULL OR t.place_keys && r.keys
               OR EXISTS (SELECT 1 FROM unnest(r.keys) k WHERE strpos(coalesce(t.address, '') || '。' || t.text, k) > 0)
               OR EXISTS (SELECT 1 FROM unnest(t.place_keys) k WHERE strpos(r.words, k) > 0))
    ) c
)
SELECT t.id, t.category_code, t.item_code, t.item_candidates::text AS candidates, t.street_code, t.district_code, t.urgent, t.received_at,
       t.address, t.text,
       to_jsonb(coalesce(t.place_keys, '{}'))::text AS place_keys
FROM matched JOIN tickets t USING (id)

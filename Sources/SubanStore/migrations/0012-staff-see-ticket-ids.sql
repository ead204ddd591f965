-- Hot-issue samples name tickets by id: staff read them, and a tracking code is the
-- citizen's own (it opens their timeline and rates the reply). Samples stored before
-- this migration held tracking codes; they become the tickets' ids, in the same order
-- (a code whose ticket is gone is dropped).
UPDATE hot_issues h SET samples = coalesce((
    SELECT jsonb_agg(t.id::text ORDER BY s.position)
    FROM jsonb_array_elements_text(h.samples) WITH ORDINALITY AS s(code, position)
    JOIN tickets t ON t.tracking_code = s.code
), '[]'::jsonb);

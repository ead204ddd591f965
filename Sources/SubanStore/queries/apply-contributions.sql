-- Adds stream entries' shares of the daily figures, each entry once (AnalyticsStore.apply): $1 the
-- shares as ContributionRow records. The entry ids go into analytics_applied first and only new
-- ones are summed into their cells, in key order so workers never deadlock. The placeholders are
-- AnalyticsStore's column lists: the cell's columns, the counters, their sums and their additions.
WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x({{contribution_columns}})
), placed AS (
    INSERT INTO ticket_places (ticket_id, received_at, item, district, place_key, place_label)
    SELECT DISTINCT ON (ticket) ticket, received_at, item, district, place_key, place_label FROM input WHERE place_key IS NOT NULL
    ON CONFLICT (ticket_id) DO NOTHING
), fresh AS (
    INSERT INTO analytics_applied (entry_id) SELECT DISTINCT entry FROM input
    ON CONFLICT (entry_id) DO NOTHING RETURNING entry_id
), added AS (
    INSERT INTO analytics_daily ({{cells}}, {{counters}})
    SELECT {{cells}}, {{sums}}
    FROM input WHERE entry IN (SELECT entry_id FROM fresh)
    GROUP BY {{cells}} ORDER BY {{cells}}
    ON CONFLICT ({{cells}}) DO UPDATE SET {{additions}}
)
SELECT count(*) AS fresh FROM fresh

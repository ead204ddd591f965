-- place keys of dispatched tickets, for duplicate candidates
-- The places a ticket names (DispatchWorker), so a new report is compared only with
-- the open tickets of its street that could be about the same place.
ALTER TABLE tickets ADD COLUMN place_keys text[], ADD COLUMN place_numbers text[];

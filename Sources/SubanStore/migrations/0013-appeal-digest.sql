-- A retried submission gets its ticket back only when its body is the first one's: the
-- digest of the validated appeal is kept, and another body under a used (channel,
-- channel_ref) is refused with 409 instead of being answered with someone else's ticket.
-- Tickets recorded before this migration have none and are answered as before.
ALTER TABLE tickets ADD COLUMN appeal_digest text;

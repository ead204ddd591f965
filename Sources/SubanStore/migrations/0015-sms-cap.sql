-- Numbers are never verified, so an SMS goes wherever a submission says: SMS to one number
-- are capped per 24 hours. An SMS over the cap is kept, marked 'capped', never sent.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sent', 'dead', 'capped'));
CREATE INDEX citizen_contacts_phone ON citizen_contacts (phone);
CREATE INDEX notifications_sms_by_ticket ON notifications (ticket_id, created_at) WHERE transport = 'sms';

-- A channel that verified the citizen's number (the hotline's caller line, an app login by SMS
-- code) says so: SMS to a verified number are not held to the daily cap meant for numbers a
-- submission merely typed.
ALTER TABLE citizen_contacts ADD COLUMN verified boolean NOT NULL DEFAULT false;

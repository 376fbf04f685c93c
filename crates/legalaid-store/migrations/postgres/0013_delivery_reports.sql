-- Delivery reports (issue 9): the SMS gateway reports whether a message it took
-- reached the phone, which moves it from 'sent' to 'delivered' or 'undelivered'
-- (with the gateway's reason in last_error) at reported_at. Kept in lock-step
-- with ../sqlite/0013_delivery_reports.sql.
ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'dead', 'skipped', 'delivered', 'undelivered'));
ALTER TABLE messages ADD COLUMN reported_at TIMESTAMPTZ;

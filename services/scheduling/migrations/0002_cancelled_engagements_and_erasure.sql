-- A cancelled request calls off its booked meetings and closes the engagement.
ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check
    CHECK (status IN ('scheduled', 'completed', 'cancelled'));
ALTER TABLE sessions ADD COLUMN cancelled_at timestamptz;

-- Why the engagement ended: 'completed' after its meetings, 'cancelled' early.
ALTER TABLE engagements ADD COLUMN close_reason text;
UPDATE engagements SET close_reason = 'completed' WHERE status = 'closed';

-- Set when the author's personal data was erased; their note is blanked.
ALTER TABLE feedback ADD COLUMN erased_at timestamptz;

-- Mentors may pause, withdraw, or have their personal data erased.
ALTER TABLE mentors DROP CONSTRAINT mentors_status_check;
ALTER TABLE mentors ADD CONSTRAINT mentors_status_check
    CHECK (status IN ('approved', 'paused', 'deactivated', 'withdrawn', 'erased'));

-- The directory searches the statement's words and the topic list.
ALTER TABLE mentors ADD COLUMN statement_search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('english', coalesce(profile ->> 'statement', ''))
    ) STORED;
CREATE INDEX mentors_statement_search ON mentors USING gin (statement_search);
CREATE INDEX mentors_topics ON mentors USING gin ((profile -> 'topics'));
CREATE INDEX mentors_listed ON mentors (employee_id) WHERE status = 'approved';

-- Scheduling's engagements, as far as a mentor's free capacity needs them.
CREATE TABLE mentor_engagements (
    engagement_id      uuid PRIMARY KEY,
    mentor_employee_id text        NOT NULL,
    opened_at          timestamptz NOT NULL DEFAULT now(),
    closed_at          timestamptz
);
CREATE INDEX mentor_engagements_open
    ON mentor_engagements (mentor_employee_id) WHERE closed_at IS NULL;

-- Which HR record version of a separated person was erased; a newer one is
-- a new record (a rehire) and is kept until its own retention ends.
CREATE TABLE erasures (
    employee_id    text PRIMARY KEY REFERENCES faculty (employee_id),
    record_version bigint      NOT NULL,
    erased_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX faculty_separated ON faculty (updated_at)
    WHERE employment_status = 'separated';

CREATE TABLE engagements (
    engagement_id      uuid PRIMARY KEY,
    request_id         uuid        NOT NULL UNIQUE,
    mentee_employee_id text        NOT NULL,
    mentor_employee_id text        NOT NULL,
    topic              text        NOT NULL,
    planned_meetings   int         NOT NULL CHECK (planned_meetings >= 1),
    meeting_format     text        NOT NULL,
    availability       jsonb       NOT NULL,
    status             text        NOT NULL DEFAULT 'open'
                                   CHECK (status IN ('open', 'closed')),
    sessions_held      int         NOT NULL DEFAULT 0,
    -- Why the next meeting could not be booked, for the office to resolve.
    unscheduled_reason text,
    opened_at          timestamptz NOT NULL DEFAULT now(),
    closed_at          timestamptz
);

CREATE TABLE sessions (
    session_id    uuid PRIMARY KEY,
    engagement_id uuid        NOT NULL REFERENCES engagements (engagement_id),
    sequence      int         NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL CHECK (ends_at > starts_at),
    status        text        NOT NULL DEFAULT 'scheduled'
                              CHECK (status IN ('scheduled', 'completed')),
    reported_by   text,
    completed_at  timestamptz,
    UNIQUE (engagement_id, sequence)
);

-- Feedback given with a meeting report.
CREATE TABLE feedback (
    session_id  uuid PRIMARY KEY REFERENCES sessions (session_id),
    employee_id text        NOT NULL,
    rating      int CHECK (rating BETWEEN 1 AND 5),
    note        text,
    given_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per faculty member who has ever been booked: locking it serialises
-- every booking for that person, so two overlap checks never interleave.
CREATE TABLE calendars (
    employee_id text PRIMARY KEY
);

-- Each session occupies the calendar of both participants.
CREATE TABLE bookings (
    employee_id text        NOT NULL REFERENCES calendars (employee_id),
    session_id  uuid        NOT NULL REFERENCES sessions (session_id),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    PRIMARY KEY (employee_id, session_id),
    -- The backstop: one person never holds two meetings starting together.
    UNIQUE (employee_id, starts_at)
);
CREATE INDEX bookings_by_time ON bookings (employee_id, ends_at);

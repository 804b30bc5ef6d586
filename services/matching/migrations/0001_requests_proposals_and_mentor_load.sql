-- Faculty facts matching needs, projected from profiles' FacultyProfileChanged.
CREATE TABLE faculty (
    employee_id            text PRIMARY KEY,
    department             text        NOT NULL,
    division               text,
    employment_status      text        NOT NULL,
    supervisor_employee_id text,
    record_version         bigint      NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Approved mentors and their load. ``reserved`` counts open proposals plus
-- active engagements; the CHECK is what makes over-booking impossible.
-- ``capacity`` stays at least ``reserved`` when a mentor lowers max_mentees
-- while busy, and falls back to max_mentees as those slots are released.
CREATE TABLE mentors (
    employee_id      text PRIMARY KEY,
    topics           text[]      NOT NULL,
    max_mentees      integer     NOT NULL CHECK (max_mentees >= 1),
    capacity         integer     NOT NULL,
    reserved         integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    department       text        NOT NULL,
    division         text,
    department_scope text        NOT NULL CHECK (department_scope IN ('own', 'other', 'both')),
    meeting_formats  text[]      NOT NULL,
    availability     jsonb       NOT NULL,
    active           boolean     NOT NULL DEFAULT true,
    last_proposed_at timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mentor_reserved_within_capacity CHECK (reserved <= capacity)
);
CREATE INDEX mentors_topics ON mentors USING gin (topics);
CREATE INDEX mentors_with_free_slots ON mentors (reserved, last_proposed_at)
    WHERE active AND reserved < capacity;

-- Every request received, including rejected ones (kept for idempotency and
-- for the office's counts). Open = proposed, waiting or matched.
CREATE TABLE requests (
    request_id                   uuid PRIMARY KEY,
    mentee_employee_id           text        NOT NULL,
    topic                        text        NOT NULL,
    need_statement               text        NOT NULL,
    meetings                     integer     NOT NULL,
    scope_preference             text        NOT NULL,
    scope_required               boolean     NOT NULL,
    meeting_format               text,
    preferred_mentor_employee_id text,
    status                       text        NOT NULL CHECK (status IN
        ('proposed', 'waiting', 'matched', 'completed', 'rejected')),
    reason_code                  text,
    attempts                     integer     NOT NULL DEFAULT 0,
    correlation_id               uuid        NOT NULL,
    submitted_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now()
);
-- One open request per mentee and topic, decided by the database.
CREATE UNIQUE INDEX requests_one_open_per_topic
    ON requests (mentee_employee_id, topic)
    WHERE status IN ('proposed', 'waiting', 'matched');
CREATE INDEX requests_waiting ON requests (topic, submitted_at)
    WHERE status = 'waiting';
CREATE INDEX requests_by_status ON requests (status);

CREATE TABLE proposals (
    proposal_id        uuid PRIMARY KEY,
    request_id         uuid        NOT NULL REFERENCES requests (request_id),
    mentor_employee_id text        NOT NULL REFERENCES mentors (employee_id),
    attempt            integer     NOT NULL,
    status             text        NOT NULL CHECK (status IN
        ('open', 'accepted', 'declined', 'expired', 'withdrawn')),
    score              double precision NOT NULL,
    rationale          text        NOT NULL,
    proposed_at        timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    closed_at          timestamptz,
    -- A mentor is asked at most once per request.
    UNIQUE (request_id, mentor_employee_id)
);
CREATE UNIQUE INDEX proposals_one_open_per_request ON proposals (request_id)
    WHERE status = 'open';
CREATE INDEX proposals_open_by_mentor ON proposals (mentor_employee_id)
    WHERE status = 'open';

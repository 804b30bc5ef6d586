CREATE TABLE faculty (
    employee_id            text PRIMARY KEY,
    given_name             text        NOT NULL,
    family_name            text        NOT NULL,
    email                  text        NOT NULL,
    department             text        NOT NULL,
    division               text,
    rank                   text        NOT NULL,
    appointment_type       text        NOT NULL,
    service_start_date     date        NOT NULL,
    employment_status      text        NOT NULL,
    supervisor_employee_id text,
    record_version         bigint      NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX faculty_email ON faculty (lower(email));
CREATE INDEX faculty_department ON faculty (department);

CREATE TABLE mentors (
    employee_id  text PRIMARY KEY REFERENCES faculty (employee_id),
    status       text        NOT NULL CHECK (status IN ('approved', 'deactivated')),
    profile      jsonb       NOT NULL,
    reason_code  text        NOT NULL,
    decided_at   timestamptz NOT NULL DEFAULT now()
);

-- Every volunteer decision, approvals and rejections alike, for the office.
CREATE TABLE volunteer_decisions (
    event_id    uuid PRIMARY KEY,
    employee_id text        NOT NULL,
    approved    boolean     NOT NULL,
    reason_code text        NOT NULL,
    decided_at  timestamptz NOT NULL DEFAULT now()
);

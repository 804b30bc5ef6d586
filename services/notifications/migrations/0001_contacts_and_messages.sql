-- Notifications' own copy of how to reach each faculty member.
CREATE TABLE contacts (
    employee_id    text PRIMARY KEY,
    given_name     text        NOT NULL,
    family_name    text        NOT NULL,
    email          text        NOT NULL,
    record_version bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per letter to one person; rendered and sent by the dispatcher.
CREATE TABLE messages (
    message_id            uuid PRIMARY KEY,
    source_event_id       uuid        NOT NULL,
    source_event_type     text        NOT NULL,
    recipient_employee_id text        NOT NULL,
    template              text        NOT NULL,
    facts                 jsonb       NOT NULL,
    status                text        NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts              int         NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz NOT NULL DEFAULT now(),
    -- A letter waits this long for its recipient's address, then fails.
    contact_deadline_at   timestamptz NOT NULL,
    last_error            text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz,
    UNIQUE (source_event_id, recipient_employee_id, template)
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'pending';

-- Events written in a handler's transaction, published by the relay after commit.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    topic       text        NOT NULL,
    message_key bytea       NOT NULL,
    event_id    uuid        NOT NULL,
    event_type  text        NOT NULL,
    value       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per message a consumer has applied; a redelivery finds its row.
CREATE TABLE inbox (
    consumer     text        NOT NULL,
    message_id   text        NOT NULL,
    event_type   text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Business deadlines (expiries, automatic resumptions): rows, not sleeps.
CREATE TABLE timers (
    id         bigserial PRIMARY KEY,
    kind       text        NOT NULL,
    subject    text        NOT NULL,
    due_at     timestamptz NOT NULL,
    data       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, subject)
);
CREATE INDEX timers_due ON timers (due_at);

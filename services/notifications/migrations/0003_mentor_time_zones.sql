-- The time zone of each mentor's availability, so deadlines written to a
-- mentor are in their own time. Kept from profiles' mentor events.
CREATE TABLE mentor_time_zones (
    employee_id text PRIMARY KEY,
    time_zone   text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

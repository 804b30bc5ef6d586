-- A request the mentee cancelled, or closed because HR reports them inactive.
ALTER TABLE requests DROP CONSTRAINT requests_status_check;
ALTER TABLE requests ADD CONSTRAINT requests_status_check CHECK (status IN
    ('proposed', 'waiting', 'matched', 'completed', 'rejected', 'cancelled'));

-- Weekly hours as minutes since Monday 00:00 UTC of one fixed reference week
-- (the first week of 2024), so windows in different time zones can be
-- intersected. The fixed week means a summer-time shift between two zones with
-- different rules is ignored: overlap may be off by an hour for half the year.
CREATE FUNCTION weekly_minutes(availability jsonb) RETURNS int4multirange
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(range_agg(piece), '{}'::int4multirange)
    FROM (
        SELECT ((offset_min % 10080) + 10080) % 10080 AS first_min, length_min
        FROM (
            SELECT (extract(epoch FROM (
                        (timestamp '2024-01-01 00:00'
                         + make_interval(days => (w ->> 'weekday')::int)
                         + (w ->> 'start')::time)
                        AT TIME ZONE (availability ->> 'time_zone'))
                    - timestamptz '2024-01-01 00:00+00') / 60)::int AS offset_min,
                   (extract(epoch FROM (w ->> 'end')::time - (w ->> 'start')::time)
                    / 60)::int AS length_min
            FROM jsonb_array_elements(availability -> 'windows') AS w
        ) AS local_windows
    ) AS windows
    CROSS JOIN LATERAL (VALUES
        -- A window running past Sunday midnight UTC continues on Monday.
        (int4range(first_min, least(first_min + length_min, 10080))),
        (CASE WHEN first_min + length_min > 10080
              THEN int4range(0, first_min + length_min - 10080) END)
    ) AS pieces (piece)
    WHERE piece IS NOT NULL AND NOT isempty(piece)
$$;

ALTER TABLE requests
    ADD COLUMN availability jsonb,
    ADD COLUMN weekly_minutes int4multirange,
    ADD COLUMN cancelled_at timestamptz;

-- What the mentor wrote about themselves, searchable against a mentee's need.
ALTER TABLE mentors
    ADD COLUMN statement text NOT NULL DEFAULT '',
    ADD COLUMN statement_terms tsvector
        GENERATED ALWAYS AS (to_tsvector('english', statement)) STORED,
    ADD COLUMN weekly_minutes int4multirange NOT NULL DEFAULT '{}';
UPDATE mentors SET weekly_minutes = weekly_minutes(availability);

-- Candidates are now ordered by a computed score, which this index cannot
-- serve; its estimate (a third of mentors free) also drew the planner away
-- from the far more selective GIN index on topics.
DROP INDEX mentors_with_free_slots;

-- Sessions each mentor has held, from scheduling's SessionCompleted: the
-- session ids make a repeated report count once.
CREATE TABLE completed_sessions (
    session_id         uuid PRIMARY KEY,
    mentor_employee_id text        NOT NULL,
    completed_at       timestamptz NOT NULL
);
CREATE TABLE track_records (
    employee_id        text PRIMARY KEY,
    sessions_completed integer NOT NULL DEFAULT 0
);

-- Hard rules shared by the candidate search and the preferred-mentor check;
-- simple SQL functions, so the planner inlines them.
CREATE FUNCTION mentor_scope_allows(
    mentor_scope text, mentor_department text, mentee_department text
) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT mentor_scope = 'both'
        OR (mentor_scope = 'own' AND mentor_department = mentee_department)
        OR (mentor_scope = 'other' AND mentor_department <> mentee_department)
$$;

CREATE FUNCTION mentee_scope_allows(
    preference text, required boolean, mentor_department text,
    mentee_department text
) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT required OR preference = 'any'
        OR (preference = 'own' AND mentor_department = mentee_department)
        OR (preference = 'other' AND mentor_department <> mentee_department)
$$;

CREATE INDEX requests_open_by_mentee ON requests (mentee_employee_id)
    WHERE status IN ('proposed', 'waiting', 'matched');

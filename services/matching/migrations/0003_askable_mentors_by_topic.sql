-- Mentors who can be asked now (active, a place free), one row per topic they
-- offer, in the order they were last asked. The candidate search walks this
-- index for the request's topic, least recently asked first, and scores only
-- the first few hundred who pass the hard rules, so its cost does not grow
-- with the number of mentors on a topic. A GIN index on mentors.topics can
-- only hand over every mentor of the topic, unordered.
CREATE TABLE askable_mentors (
    topic            text NOT NULL,
    employee_id      text NOT NULL REFERENCES mentors (employee_id),
    last_proposed_at timestamptz,
    PRIMARY KEY (topic, employee_id)
);
CREATE INDEX askable_mentors_least_recently_asked
    ON askable_mentors (topic, last_proposed_at NULLS FIRST, employee_id);
CREATE INDEX askable_mentors_by_mentor ON askable_mentors (employee_id);

-- Kept by a trigger so that every write to mentors (profiles, pauses, slots
-- booked and freed) keeps it exact inside the same transaction.
CREATE FUNCTION sync_askable_mentor() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    was_askable boolean := TG_OP = 'UPDATE'
        AND OLD.active AND OLD.reserved < OLD.capacity;
    is_askable boolean := NEW.active AND NEW.reserved < NEW.capacity;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.topics = NEW.topics
       AND was_askable = is_askable THEN
        IF is_askable AND OLD.last_proposed_at IS DISTINCT FROM NEW.last_proposed_at
        THEN
            UPDATE askable_mentors SET last_proposed_at = NEW.last_proposed_at
            WHERE employee_id = NEW.employee_id;
        END IF;
        RETURN NULL;
    END IF;
    DELETE FROM askable_mentors WHERE employee_id = NEW.employee_id;
    IF is_askable THEN
        INSERT INTO askable_mentors (topic, employee_id, last_proposed_at)
        SELECT DISTINCT topic, NEW.employee_id, NEW.last_proposed_at
        FROM unnest(NEW.topics) AS topic;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER mentors_askable_by_topic
    AFTER INSERT OR UPDATE OF topics, active, reserved, capacity, last_proposed_at
    ON mentors
    FOR EACH ROW EXECUTE FUNCTION sync_askable_mentor();

INSERT INTO askable_mentors (topic, employee_id, last_proposed_at)
SELECT DISTINCT topic, m.employee_id, m.last_proposed_at
FROM mentors m, unnest(m.topics) AS topic
WHERE m.active AND m.reserved < m.capacity;

-- The relay listens on "<schema>_outbox". A statement trigger sends that
-- notification with every outbox insert; PostgreSQL delivers it at commit (and
-- only then), so the relay wakes for committed rows and the writer pays no
-- extra round trip.
CREATE FUNCTION notify_outbox_relay() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_rows_added
    AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_relay();

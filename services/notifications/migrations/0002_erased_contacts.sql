-- Set when profiles erased the person's personal data: the row keeps only
-- placeholders, and nothing more is sent to them.
ALTER TABLE contacts ADD COLUMN erased_at timestamptz;

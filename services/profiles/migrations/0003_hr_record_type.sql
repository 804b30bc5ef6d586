-- How the HR feed hands a batch of faculty records to the database: one array
-- of these, one element per record, rather than one array per field.
CREATE TYPE hr_record AS (
    employee_id            text,
    given_name             text,
    family_name            text,
    email                  text,
    department             text,
    division               text,
    rank                   text,
    appointment_type       text,
    service_start_date     date,
    employment_status      text,
    supervisor_employee_id text,
    record_version         bigint
);

"""Platform pieces every service is built on: settings, logging, database,
migrations, outbox, inbox, consumption with retries and dead-lettering, health."""

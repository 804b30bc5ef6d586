"""A Kafka-protocol broker, PostgreSQL and an SMTP sink, run from pip wheels."""

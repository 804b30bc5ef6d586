"""Read-only HTTP API of the profiles service: the topic catalogue and directory."""

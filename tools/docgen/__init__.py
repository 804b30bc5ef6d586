"""Documentation generated from the event contracts and the routing table."""

"""Scheduling: engagements, the sessions booked for them, and meeting reports."""

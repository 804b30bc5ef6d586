"""Profiles: faculty records from HR, mentor eligibility, the topic catalogue."""

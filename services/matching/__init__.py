"""Matching: mentoring requests, proposals to mentors, and mentor load."""

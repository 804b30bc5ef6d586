"""Notifications: tells faculty members by e-mail what happened to them."""

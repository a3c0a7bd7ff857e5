"""Logging in and out, registration, password reset and the account page."""

"""Accounts: organisations, agreements, people and what they are entitled to."""

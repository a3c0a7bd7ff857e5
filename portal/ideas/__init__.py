"""Feature requests: ideas, suggestion terms, votes and public statuses."""

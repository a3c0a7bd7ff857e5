"""Public pages: home, self-help, support offerings, policies, contact, health."""

"""Administration: organisations and agreements, people and roles, the SLA table, partners."""

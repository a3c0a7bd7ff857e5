"""Support cases: filing, the conversation, escalation, closure."""

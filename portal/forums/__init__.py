"""Customer forums: categories, topics and replies, moderation, solved answers, watching."""

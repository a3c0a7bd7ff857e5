"""The support offerings: which response targets and hours apply, read from one table."""

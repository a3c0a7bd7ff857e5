"""Products and their versions as records: the catalogue, its rules and its admin pages."""

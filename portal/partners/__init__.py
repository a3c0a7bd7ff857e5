"""The partner and reseller directory."""

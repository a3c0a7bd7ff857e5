"""The staff workspace: the queue by SLA, dashboards and staff profiles."""

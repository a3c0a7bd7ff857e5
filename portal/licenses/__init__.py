"""What License Administrators see: agreements, license keys, renewal dates and requests."""

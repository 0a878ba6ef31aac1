"""Administration: the unit tree and user accounts."""

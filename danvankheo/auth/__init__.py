"""People, roles, login and passwords."""

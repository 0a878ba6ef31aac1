"""Role home pages. Features contribute panels; the page shows those for the user's roles."""

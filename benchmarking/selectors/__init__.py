"""Everything that reads and counts."""

"""Named migration scripts, one per schema change, oldest first."""

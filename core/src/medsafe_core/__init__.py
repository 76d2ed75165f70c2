"""medsafe core."""

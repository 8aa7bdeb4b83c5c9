"""The gate check that enforces the proportionality rules (registered on import)."""

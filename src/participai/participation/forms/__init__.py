"""Forms of the participation app."""

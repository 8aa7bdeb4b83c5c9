"""Selectors of the engagement app, one module per instrument."""

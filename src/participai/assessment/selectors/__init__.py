"""Selectors of the assessment app, one module per instrument."""

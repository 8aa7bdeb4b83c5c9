"""Services of the participation app, one module per concern."""

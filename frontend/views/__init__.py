"""Page views, one module per area."""

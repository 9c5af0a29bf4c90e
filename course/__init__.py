"""Pipeline Academy."""

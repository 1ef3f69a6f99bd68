"""Members, roles and their accounts."""

"""A real OpenID Connect provider for the social-login tests: allauth's own IdP module, on loopback."""

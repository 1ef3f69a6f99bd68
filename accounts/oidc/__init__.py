"""OpenID Connect sign-in that checks what the provider sends: allauth's provider with a verified id_token."""

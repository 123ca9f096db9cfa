"""Logging in through OpenID Connect providers: ID-porten for citizens, Entra ID for NAV staff."""

"""Identity: accounts, login, SSO sessions, the OpenID Provider, delegations (帮办代办)."""

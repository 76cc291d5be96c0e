"""Platform core: organisations, people, roles, sign-in, API tokens, audit trail."""

"""GraphQL of tenant administration: users, roles, the audit log."""

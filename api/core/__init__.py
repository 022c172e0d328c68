"""The shared GraphQL-edge plumbing every area uses: the request context, field access,
relay ids and pages, DataLoaders, mutation payloads and input helpers."""

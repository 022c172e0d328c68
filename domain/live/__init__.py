"""Live updates: committed changes of subscribable entities, heard from PostgreSQL."""

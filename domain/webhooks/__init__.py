"""Webhooks: partner endpoints, the outbox of deliveries, and their dispatch."""

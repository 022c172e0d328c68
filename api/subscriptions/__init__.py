"""Subscriptions over graphql-transport-ws on /graphql (README "Live updates")."""

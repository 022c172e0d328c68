"""The benchmark harness (`make bench`). Not installed, not imported by the app."""

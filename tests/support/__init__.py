"""Helpers the tests share: arranging rows, GraphQL documents, probes and receivers.

Only helpers live here; fixtures stay in the conftest.py files pytest reads.
"""

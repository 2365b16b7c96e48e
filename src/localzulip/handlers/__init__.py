"""Endpoint handlers, one module per API area."""

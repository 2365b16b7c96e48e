"""Summarisers: an OpenAI-compatible client and the plain extractive fallback."""

"""Webhooks of a standup, as pure rules: targets, events, signatures, retries and texts."""

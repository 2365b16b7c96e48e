"""The web dashboard: server-rendered pages over the same use cases as the chat commands."""

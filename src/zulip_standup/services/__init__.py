"""Use cases that talk to the world only through ports."""

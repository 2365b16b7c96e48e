"""One person answering one run: the state machine, its events, states and texts."""

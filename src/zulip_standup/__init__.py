"""An asynchronous standup bot for Zulip."""

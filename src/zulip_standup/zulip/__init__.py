"""The Zulip adapter: the only importer of the zulip client."""

"""The webhook adapter: delivers signed event bodies over HTTPS (httpx), pinned to addresses
checked against the operator's network."""

"""Chat commands: one module per command group, registered on a router."""

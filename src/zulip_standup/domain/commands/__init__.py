"""What people type: the command grammar, its registry and types, and every reply."""

"""Pure standup logic: no I/O, no clock reads, no SQLAlchemy."""

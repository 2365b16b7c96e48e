"""Process-level chaos: the real bot as its own OS process, SIGKILLed at aimed moments."""

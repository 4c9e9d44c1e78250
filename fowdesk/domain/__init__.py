"""Domain layer: plain dataclasses and rules. No Qt, no SQL."""

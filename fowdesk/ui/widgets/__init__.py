"""Reusable widgets: each does one thing any part of the window can use."""

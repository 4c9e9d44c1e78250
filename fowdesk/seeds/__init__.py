"""Seed programmes shipped as package data (see FORMAT.md)."""

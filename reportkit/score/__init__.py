"""Scoring stage: pure functions from a validated Project to plain result objects."""

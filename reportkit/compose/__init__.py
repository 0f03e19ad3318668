"""Compose stage: project + results -> a format-neutral Document (no file is written here)."""

"""Renderers: turn composed layouts into files (PNG images, Word, PDF)."""

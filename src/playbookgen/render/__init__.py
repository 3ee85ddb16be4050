"""Renderers: pure functions from a loaded Project to text (site pages, configuration)."""

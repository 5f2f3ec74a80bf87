"""Narrate's shells: the HTTP service, its store and settings, and the `narrate` CLI."""

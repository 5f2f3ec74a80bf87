"""Automatic import: RSS/Atom feeds and sitemaps polled by Celery beat, each new or edited
article fetched politely, narrated, and published into a podcast feed."""

"""Podcast feeds: RSS with the itunes: and podcast: namespaces, chapters, feed input rules."""

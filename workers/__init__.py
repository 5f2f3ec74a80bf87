"""The audio engine (pure pipeline) and, in `workers.queue`, the Celery shell around it."""

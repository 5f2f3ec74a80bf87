"""The audio engine: the pure pipeline from text to a delivered file (see README, "How it works").

Nothing here imports `service/`: the Celery shell around the engine is `service.tasks`."""

"""Test helpers: real services started per test (Redis db, database, API, worker)."""

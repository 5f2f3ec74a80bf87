"""The HTTP API: one router per resource, errors converted in `errors`."""

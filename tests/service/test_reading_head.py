"""How a job's `read_title` / `read_byline` are resolved at submit, and read back."""

from __future__ import annotations

import pytest

from service.api.schemas import ArticleIn
from service.contract import JobRequest
from workers.text.prepare import Reading


@pytest.mark.parametrize(
    ("asked", "feed", "resolved"),
    [
        ({}, None, (True, True)),
        ({}, Reading(False, False), (False, False)),
        ({"read_title": True}, Reading(False, False), (True, False)),
        ({"read_byline": False}, None, (True, False)),
        ({"read_title": False, "read_byline": True}, Reading(True, False), (False, True)),
    ],
)
def test_the_job_says_first_then_the_feed_then_on(
    asked: dict[str, bool], feed: Reading | None, resolved: tuple[bool, bool]
) -> None:
    request = ArticleIn(text="Some text.", **asked).to_request("voice", None, reading=feed)
    assert (request.read_title, request.read_byline) == resolved
    assert JobRequest.from_json(request.to_json()) == request


def test_requests_stored_before_the_settings_existed_read_the_head() -> None:
    stored = ArticleIn(text="Some text.").to_request("voice", None).to_json()
    del stored["read_title"], stored["read_byline"]
    request = JobRequest.from_json(stored)
    assert (request.read_title, request.read_byline) == (True, True)

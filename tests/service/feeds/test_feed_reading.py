"""A feed's `read_title` / `read_byline` settings decide how its jobs open; a job may say
otherwise. Shown on the live service (real worker, real voice): the delivered timings."""

from __future__ import annotations

from typing import Any

from tests.service.feeds.conftest import LiveService

BODY = "The Harbor Bridge reopened on Monday. Traffic was light in the morning."
FIELDS = {"title": "Harbor Bridge Reopens", "author": "Sam Lee"}


def _spoken(svc: LiveService, **fields: Any) -> list[str]:
    job = svc.wait_done(svc.submit(text=BODY, **FIELDS, **fields))
    timings = svc.client.get(job["links"]["timings"]).json()
    # The feed's spoken AI disclosure (on by default for feeds) is not the article's head.
    return [s["text"] for s in timings["sentences"] if not s.get("disclosure")]


def test_a_feed_can_turn_the_head_off_and_a_job_can_turn_it_back_on(
    live_service: LiveService,
) -> None:
    svc = live_service
    created = svc.create_feed("quiet-head", read_title=False, read_byline=False)
    assert created.status_code == 201, created.text
    assert (created.json()["read_title"], created.json()["read_byline"]) == (False, False)

    assert _spoken(svc, feed="quiet-head")[0] == "The Harbor Bridge reopened on Monday."
    assert _spoken(svc, feed="quiet-head", read_title=True)[:2] == [
        "Harbor Bridge Reopens",
        "The Harbor Bridge reopened on Monday.",
    ]

    patched = svc.client.patch("/v1/feeds/quiet-head", json={"read_byline": True})
    assert patched.json()["read_byline"] is True
    assert _spoken(svc, feed="quiet-head")[0] == "By Sam Lee"
    assert _spoken(svc)[:2] == ["Harbor Bridge Reopens", "By Sam Lee"]  # no feed: both on

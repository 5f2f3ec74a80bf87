"""Every refusal of the API: the right 4xx, a message naming the field, nothing queued,
and the server still up afterwards."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from tests.utils.services import SHORT_ARTICLE, Stack

REFUSALS = [
    # (body, status, field named in the answer)
    ({"title": "no text"}, 422, "body"),
    ({"text": "a", "html": "<p>b</p>"}, 422, "body"),
    ({"text": "   "}, 422, "body"),
    ({"text": SHORT_ARTICLE, "voice": "xx_XX-nobody-low"}, 422, "voice"),
    ({"text": SHORT_ARTICLE, "format": "flac"}, 422, "format"),
    ({"text": SHORT_ARTICLE, "speed": 3.5}, 422, "speed"),
    ({"text": SHORT_ARTICLE, "speed": 0.1}, 422, "speed"),
    ({"text": SHORT_ARTICLE, "speed": "fast"}, 422, "speed"),
    ({"text": SHORT_ARTICLE, "callback_url": "not a url"}, 422, "callback_url"),
    ({"text": SHORT_ARTICLE, "feed": "Not A Slug!"}, 422, "feed"),
    ({"text": SHORT_ARTICLE, "lexicon": [{"word": "x"}]}, 422, "lexicon.0.replacement"),
    ({"text": SHORT_ARTICLE, "colour": "blue"}, 422, "colour"),
    ({"text": "x" * 200_001}, 413, "text"),
]


@pytest.fixture
def api(make_stack: Callable[..., Stack]) -> Stack:
    stack = make_stack()
    stack.start_api()
    return stack


def assert_nothing_queued(stack: Stack) -> None:
    assert stack.queued_messages() == 0
    assert sum(stack.store.count_by_status().values()) == 0
    client = stack.redis()
    try:
        assert [k for k in client.scan_iter() if not k.startswith(b"narrate-test")] == []
    finally:
        client.close()


@pytest.mark.parametrize(("body", "status", "field"), REFUSALS)
def test_refused_with_the_field_named(api: Stack, body: dict, status: int, field: str) -> None:
    response = api.http.post("/v1/jobs", json=body)
    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["field"] == field, answer
    if field != "body":
        assert field.split(".")[0] in answer["message"]
    assert_nothing_queued(api)


def test_garbage_bodies(api: Stack) -> None:
    garbage = os.urandom(4096)
    response = api.http.post(
        "/v1/jobs", content=garbage, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    no_type = api.http.post("/v1/jobs", content=garbage)
    assert no_type.status_code == 422
    not_json = api.http.post(
        "/v1/jobs", content=b"{not json", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 422
    array = api.http.post("/v1/jobs", json=[1, 2, 3])
    assert array.status_code == 422
    huge = api.http.post(
        "/v1/jobs",
        content=b"{" + b" " * (10 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413

    def chunks():  # no Content-Length: counted as it streams in
        for _ in range(40):
            yield b"x" * (256 * 1024)

    streamed = api.http.post(
        "/v1/jobs", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert_nothing_queued(api)
    assert api.http.get("/healthz").status_code == 200


def test_unknown_job_and_audio_not_ready(api: Stack) -> None:
    assert api.http.get("/v1/jobs/nope").status_code == 404
    assert api.http.get("/v1/jobs/nope/audio").status_code == 404
    assert api.http.delete("/v1/jobs/nope").status_code == 404
    job = api.submit(text=SHORT_ARTICLE)  # no worker: stays queued
    not_ready = api.http.get(f"/v1/jobs/{job['id']}/audio")
    assert not_ready.status_code == 409
    assert "queued" in not_ready.json()["message"]
    assert api.http.get(f"/v1/jobs/{job['id']}/transcript.vtt").status_code == 409
    assert api.http.head(f"/v1/jobs/{job['id']}/audio").status_code == 409


def test_idempotency_key_reused_for_another_article(api: Stack) -> None:
    headers = {"Idempotency-Key": "k1"}
    first = api.http.post("/v1/jobs", json={"text": SHORT_ARTICLE}, headers=headers)
    assert first.status_code == 202
    other = api.http.post("/v1/jobs", json={"text": "Another story."}, headers=headers)
    assert other.status_code == 409
    assert api.queued_messages() == 1


def test_api_keys(make_stack: Callable[..., Stack], caplog: pytest.LogCaptureFixture) -> None:
    stack = make_stack(api_keys="key-one,key-two")
    stack.start_api()
    body = {"text": SHORT_ARTICLE}
    missing = stack.http.post("/v1/jobs", json=body)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = stack.http.post("/v1/jobs", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert stack.http.get("/v1/jobs/x", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert stack.queued_messages() == 0
    ok = stack.http.post("/v1/jobs", json=body, headers={"Authorization": "Bearer key-two"})
    assert ok.status_code == 202
    job = stack.http.get(ok.headers["location"], headers={"Authorization": "Bearer key-two"})
    assert job.status_code == 200
    # Keys are tenants: another key's job is as absent as an unknown one (test_tenants.py).
    other = stack.http.get(ok.headers["location"], headers={"Authorization": "Bearer key-one"})
    assert other.status_code == 404
    assert stack.http.get("/v1/voices").status_code == 200  # reading voices needs no key
    assert "key-one" not in caplog.text and "key-two" not in caplog.text


def test_open_api_is_logged(
    make_stack: Callable[..., Stack], caplog: pytest.LogCaptureFixture
) -> None:
    stack = make_stack()
    with caplog.at_level("WARNING"):
        stack.start_api()
    assert "the API is open" in caplog.text

"""`NARRATE_DATE_ORDER`: how all-numeric dates that their numbers leave open are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import load_settings
from tests.conftest import run_narrate
from workers.errors import InvalidSetting
from workers.text.dates_en import DEFAULT_DATE_ORDER, DateOrder
from workers.text.prepare import ArticleMeta, prepare_article

ARTICLE = "The contract was signed on 03/04/2019 in Leeds."


def spoken(order: DateOrder) -> str:
    article = prepare_article(ARTICLE, ArticleMeta(language="en"), date_order=order)
    return " ".join(chunk.spoken for chunk in article.chunks)


def test_prepare_article_reads_ambiguous_dates_in_the_given_order() -> None:
    assert "March fourth, twenty nineteen" in spoken(DateOrder.MDY)
    assert "the third of April, twenty nineteen" in spoken(DateOrder.DMY)


@pytest.mark.parametrize(("value", "order"), [("dmy", DateOrder.DMY), ("mdy", DateOrder.MDY)])
def test_the_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, order: DateOrder
) -> None:
    monkeypatch.setenv("NARRATE_DATE_ORDER", value)
    assert load_settings().date_order is order


def test_the_default_is_month_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NARRATE_DATE_ORDER", raising=False)
    assert load_settings().date_order is DEFAULT_DATE_ORDER is DateOrder.MDY


def test_an_unknown_order_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATE_DATE_ORDER", "ymd")
    with pytest.raises(InvalidSetting, match="NARRATE_DATE_ORDER"):
        load_settings()


@pytest.mark.parametrize(("value", "spoken"), [("mdy", "March fourth"), ("dmy", "third of April")])
def test_the_cli_reads_dates_in_the_configured_order(
    tmp_path: Path, value: str, spoken: str
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE + "\n", encoding="utf-8")
    result = run_narrate("preview", article, env={"NARRATE_DATE_ORDER": value})
    assert result.returncode == 0, result.stderr
    assert spoken in result.stdout

"""Pronunciation lexicon: whole words, case option, phonemes checked, versioned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voices.catalog import VoiceCatalog
from workers.cache import NO_LEXICON, chunk_cache_key
from workers.errors import InputError, LexiconError
from workers.synthesis import SynthesisSettings
from workers.text.lexicon import Lexicon, LexiconEntry, request_lexicon
from workers.text.normalize import normalize_text
from workers.text.prepare import prepare_article


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_tsv_respelling_whole_words_only(tmp_path: Path) -> None:
    lexicon = Lexicon.load(write(tmp_path / "lex.tsv", "# names\nSakharuk\tSa-kha-rook\n"))
    assert lexicon.apply("Dmytro Sakharuk said.") == "Dmytro Sa-kha-rook said."
    assert lexicon.apply("sakharuk and Sakharuks") == "Sa-kha-rook and Sakharuks"


def test_case_sensitive_entries(tmp_path: Path) -> None:
    lexicon = Lexicon.load(write(tmp_path / "lex.tsv", "US\tUnited States\tcase-sensitive\n"))
    assert lexicon.apply("The US told us.") == "The United States told us."


def test_phrases_and_longest_match_first() -> None:
    lexicon = Lexicon.from_entries(
        [LexiconEntry("Kyiv", "Keev"), LexiconEntry("Kyiv Independent", "Keev In-de-pen-dent")]
    )
    assert lexicon.apply("The Kyiv Independent in Kyiv.") == ("The Keev In-de-pen-dent in Keev.")


def test_phonemes_pass_through_normalization(tmp_path: Path) -> None:
    path = write(
        tmp_path / "lex.json",
        json.dumps({"entries": [{"word": "Zaluzhnyi", "replacement": "[[ zɐlˈuʒnɪj ]]"}]}),
    )
    lexicon = Lexicon.load(path)
    spoken = normalize_text("Gen. Zaluzhnyi won.", "en", lexicon=lexicon)
    assert spoken == "General [[ zɐlˈuʒnɪj ]] won."


def test_invalid_phonemes_are_a_clear_error() -> None:
    with pytest.raises(LexiconError, match=r"symbols the voice does not know: % Q"):
        Lexicon.from_entries([LexiconEntry("Kyiv", "[[ kQiv% ]]")])


@pytest.mark.parametrize("name", ["lexicon.yaml", "lexicon.csv", "lexicon"])
def test_unknown_lexicon_format_is_a_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(LexiconError, match="unknown lexicon format"):
        Lexicon.load(write(tmp_path / name, "Kyiv: Keev\n"))


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.tsv", "Kyiv Keev\n", "expected 'word<TAB>replacement"),
        ("bad.tsv", "Kyiv\tKeev\tmaybe\n", "unknown flag"),
        ("bad.json", "{not json", "not valid JSON"),
        ("bad.json", '[{"word": "Kyiv"}]', "needs string 'word' and 'replacement'"),
        ("bad.json", '[{"word": "Kyiv", "replacement": "Keev", "x": 1}]', "unknown entry"),
        ("bad.tsv", "Kyiv\t\n", "empty replacement"),
    ],
)
def test_malformed_lexicons_are_input_errors(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        Lexicon.load(write(tmp_path / name, text))


def test_version_changes_with_entries_and_cache_keys_follow() -> None:
    old = Lexicon.from_entries([LexiconEntry("Sakharuk", "Sa-kha-rook")])
    new = Lexicon.from_entries([LexiconEntry("Sakharuk", "Sa-kha-ruk")])
    assert old.version != new.version
    assert old.version == Lexicon.from_entries([LexiconEntry("Sakharuk", "Sa-kha-rook")]).version
    text = "Dmytro Sakharuk spoke to reporters on Tuesday."
    voice, settings = VoiceCatalog.discover().get("en_US-joe-medium"), SynthesisSettings()
    lexicons = (None, old, new)
    chunks = [prepare_article(text, lexicon=lexicon).chunks[0] for lexicon in lexicons]
    assert len({chunk.spoken for chunk in chunks}) == 3
    keys = [
        chunk_cache_key(chunk, voice, settings, lexicon.version if lexicon else NO_LEXICON)
        for chunk, lexicon in zip(chunks, lexicons, strict=True)
    ]
    assert len(set(keys)) == 3


def test_request_entries_override_the_deployment_lexicon() -> None:
    deployment = Lexicon.from_entries([LexiconEntry("Kyiv", "Keev"), LexiconEntry("Lviv", "Lveev")])
    request = request_lexicon([{"word": "kyiv", "replacement": "Kee-yiv"}])
    merged = deployment.merged(request)
    assert merged.apply("Kyiv and Lviv") == "Kee-yiv and Lveev"
    assert request_lexicon([]) is None

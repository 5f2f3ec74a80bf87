"""SSML input (the subset newsrooms use with cloud TTS) → blocks the segmenter can read.

Supported: `<speak>`, `<p>`, `<s>`, `<break time|strength>`, `<sub alias>`,
`<say-as interpret-as="characters|spell-out|cardinal|number|ordinal|date|telephone">`,
`<phoneme alphabet="ipa" ph>` (becomes Piper's `[[ … ]]`) and `<emphasis>` (read as
plain text). A `<break>` ends the current block and carries its pause as `pause_ms`.
Anything else is an `InvalidSSML` error that names the problem.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from types import MappingProxyType
from typing import Final

from workers.errors import InvalidSSML
from workers.text import numbers_en as num
from workers.text.lexicon import voice_phonemes
from workers.text.rules import ends_sentence
from workers.text.rules_en import MONTHS
from workers.text.segment import Block, BlockKind

BREAK_STRENGTH_MS: Final = MappingProxyType(
    {"none": 0, "x-weak": 100, "weak": 250, "medium": 400, "strong": 700, "x-strong": 1000}
)
DEFAULT_BREAK_MS: Final = BREAK_STRENGTH_MS["medium"]
MAX_BREAK_MS: Final = 10_000
"""The longest pause a `<break>` may ask for (as in the major cloud TTS services)."""

MAX_SSML_DEPTH: Final = 100
"""How deeply SSML elements may nest. Real SSML nests three or four levels; the reader
walks the tree recursively, so a limit turns a hostile document into a clear error."""

MAX_DATE_FIELD_DIGITS: Final = 4
"""A `<say-as interpret-as="date">` field (year, month or day) has at most this many digits."""

SUPPORTED_ELEMENTS: Final = frozenset(
    {"speak", "p", "s", "break", "sub", "say-as", "phoneme", "emphasis"}
)
_EMPTY_ELEMENTS: Final = frozenset({"break", "sub", "phoneme"})
"""Elements whose content is plain text (or nothing)."""
_TIME: Final = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ms|s)\s*$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # drop the "{http://www.w3.org/2001/10/synthesis}" namespace


def break_ms(element: ET.Element) -> int:
    """The pause a `<break>` asks for, in milliseconds."""
    if (time := element.get("time")) is not None:
        match = _TIME.match(time)
        if match is None:
            raise InvalidSSML(f"<break time={time!r}>: write the time as e.g. '500ms' or '1.5s'")
        value = float(match["value"]) * (1000 if match["unit"] == "s" else 1)
        if value > MAX_BREAK_MS:
            raise InvalidSSML(f"<break time={time!r}> is longer than {MAX_BREAK_MS} ms")
        return round(value)
    strength = element.get("strength", "medium")
    if strength not in BREAK_STRENGTH_MS:
        raise InvalidSSML(
            f"<break strength={strength!r}>: use one of {', '.join(BREAK_STRENGTH_MS)}"
        )
    return BREAK_STRENGTH_MS[strength]


# ---------------------------------------------------------------- say-as


def _characters(text: str) -> str:
    return " ".join(num.digits(ch) if ch.isdigit() else ch for ch in text if ch.strip())


def _number(text: str, reader: Callable[[str], str], kind: str) -> str:
    digits = text.strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", digits):
        raise InvalidSSML(f'<say-as interpret-as="{kind}">: {text!r} is not a number')
    return reader(digits)


def _cardinal(text: str) -> str:
    return _number(text, num.decimal, "cardinal")


def _ordinal(text: str) -> str:
    if "." in text:
        raise InvalidSSML(f'<say-as interpret-as="ordinal">: {text!r} is not a whole number')
    return _number(text, num.ordinal, "ordinal")


def _telephone(text: str) -> str:
    groups = re.findall(r"\+?\d+", text)
    if not groups:
        raise InvalidSSML(f'<say-as interpret-as="telephone">: {text!r} has no digits')
    return ", ".join(("plus " if g.startswith("+") else "") + num.digits(g) for g in groups)


def _date(text: str, date_format: str) -> str:
    parts = re.findall(r"\d+", text)
    fields = [f for f in date_format if f in "ymd"]
    if len(parts) != len(fields) or not parts or max(map(len, parts)) > MAX_DATE_FIELD_DIGITS:
        raise InvalidSSML(
            f'<say-as interpret-as="date" format="{date_format}">: {text!r} does not match'
        )
    value = dict(zip(fields, (int(p) for p in parts), strict=True))
    if not 1 <= value.get("m", 1) <= 12 or not 1 <= value.get("d", 1) <= 31:
        raise InvalidSSML(f'<say-as interpret-as="date">: {text!r} is not a valid date')
    words = []
    if "m" in value:
        words.append(MONTHS[value["m"] - 1])
    if "d" in value:
        words.append(num.ordinal(value["d"]))
    spoken = " ".join(words)
    if "y" in value:
        spoken = f"{spoken}, {num.year(value['y'])}" if spoken else num.year(value["y"])
    return spoken


SAY_AS: Final = MappingProxyType(
    {
        "characters": _characters,
        "spell-out": _characters,
        "cardinal": _cardinal,
        "number": _cardinal,
        "ordinal": _ordinal,
        "telephone": _telephone,
    }
)
"""`interpret-as` values (besides "date", which also reads `format`) → how to say the text."""


def _say_as(element: ET.Element) -> str:
    kind = element.get("interpret-as")
    text = "".join(element.itertext())
    if kind == "date":
        return _date(text, element.get("format", "mdy"))
    if kind not in SAY_AS:
        raise InvalidSSML(
            f"<say-as interpret-as={kind!r}> is not supported; use one of "
            f"{', '.join([*SAY_AS, 'date'])}"
        )
    return SAY_AS[kind](text)


def _phoneme(element: ET.Element) -> str:
    alphabet, ph = element.get("alphabet", "ipa"), element.get("ph")
    if alphabet != "ipa":
        raise InvalidSSML(f"<phoneme alphabet={alphabet!r}>: only 'ipa' is supported")
    if not ph or not ph.strip():
        raise InvalidSSML("<phoneme> needs a 'ph' attribute with the phonemes")
    unknown = sorted({ch for ch in ph.strip() if ch not in voice_phonemes()})
    if unknown:
        raise InvalidSSML(f"<phoneme ph={ph!r}>: the voice has no phoneme {' '.join(unknown)}")
    return f" [[ {ph.strip()} ]] "


# ---------------------------------------------------------------- document → blocks


class _Reader:
    """Walks the SSML tree, collecting the text of the current block."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pending: list[str] = []

    def end_block(self, pause_ms: int | None = None) -> None:
        text = " ".join("".join(self.pending).split())
        self.pending.clear()
        if text:
            self.blocks.append(Block(BlockKind.PARAGRAPH, text, pause_ms))
        elif pause_ms is not None and self.blocks:
            last = self.blocks[-1]
            self.blocks[-1] = Block(last.kind, last.text, (last.pause_ms or 0) + pause_ms)

    def end_sentence(self) -> None:
        text = "".join(self.pending).rstrip()
        if text and not ends_sentence(text):
            self.pending.append(".")
        self.pending.append(" ")

    def read(self, element: ET.Element) -> None:
        tag = _local(element.tag)
        if tag not in SUPPORTED_ELEMENTS:
            raise InvalidSSML(
                f"<{tag}> is not supported; use {', '.join(sorted(SUPPORTED_ELEMENTS))}"
            )
        if tag in _EMPTY_ELEMENTS and len(element):
            raise InvalidSSML(f"<{tag}> cannot contain other elements")
        if tag == "break":
            self.end_block(break_ms(element))
        elif tag == "sub":
            if element.get("alias") is None:
                raise InvalidSSML("<sub> needs an 'alias' attribute")
            self.pending.append(element.get("alias", ""))
        elif tag == "say-as":
            self.pending.append(f" {_say_as(element)} ")
        elif tag == "phoneme":
            self.pending.append(_phoneme(element))
        else:
            if tag == "p":
                self.end_block()
            self.pending.append(element.text or "")
            for child in element:
                self.read(child)
                self.pending.append(child.tail or "")
            if tag == "s":
                self.end_sentence()
            elif tag == "p":
                self.end_block()


def _check_depth(root: ET.Element) -> None:
    """`InvalidSSML` when elements nest deeper than `MAX_SSML_DEPTH` (checked without recursion)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_SSML_DEPTH:
            raise InvalidSSML(
                f"SSML elements nest more than {MAX_SSML_DEPTH} levels deep; flatten the document"
            )
        stack.extend((child, depth + 1) for child in element)


def ssml_blocks(ssml: str) -> list[Block]:
    """Paragraph blocks of an SSML document; `InvalidSSML` when it cannot be read."""
    if "<!DOCTYPE" in ssml or "<!ENTITY" in ssml:
        # Entities can expand a small document a millionfold ("billion laughs").
        raise InvalidSSML("SSML may not have a DOCTYPE or declare entities")
    try:
        root = ET.fromstring(ssml.strip())
    except ET.ParseError as error:
        raise InvalidSSML(f"the SSML is not well-formed XML: {error}") from error
    _check_depth(root)
    if _local(root.tag) != "speak":
        raise InvalidSSML(f"SSML must have <speak> as its root element, not <{_local(root.tag)}>")
    reader = _Reader()
    reader.read(root)
    reader.end_block()
    return reader.blocks

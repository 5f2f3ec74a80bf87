"""Hostile text through the whole front-end (extract → normalize → segment), issue 10.

Three properties over generated adversarial input: only the project's input errors
escape; no sentence hands Piper more than `MAX_SPOKEN_CHARS`; and the work grows at most
linearly with the input. Plus the issue's target: 200,000 characters of each hostile
class in under 5 s of CPU.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.workers.text.hostile_inputs import BOMB_LEXICON, BOMB_WORD, CASES, HostileCase, repeat
from workers.errors import EmptyInput, InputError, InvalidSSML, LexiconError
from workers.text.lexicon import Lexicon, LexiconEntry
from workers.text.prepare import InputFormat, PreparedArticle, prepare_article
from workers.text.segment import MAX_SPOKEN_CHARS, BlockKind

TARGET_CHARS: Final = 200_000
"""The article size limit; the issue's target is this much hostile text in under 5 s."""

TARGET_CPU_SECONDS: Final = 5.0

GROWTH_SIZES: Final = (25_000, 100_000)
"""Small and large input for the growth property: 4× the characters…"""

MAX_GROWTH: Final = 6.0
"""…may take at most this many times the CPU time (linear is 4, quadratic 16)."""

MIN_MEASURED_SECONDS: Final = 0.1
"""On a shared machine, CPU times below this vary by more than the growth allowed: the
small size counts as at least this long (a quadratic path still shows: 0.1 s at 25k
characters would be 1.6 s at 100k)."""

HOSTILE_UNITS: Final = (
    "-", ".", "#", "a", "A", "7", " ", "\t", ",", "[", "(", "<", "*", "_", "~", "`", "|",
    "…", "!?", "@", "a.", "a-", "1.", "-1", "1-", "1,", "a@", "[[", "]]", "[a](", "![a](",
    "<a ", " **a", " _a", "~~a", "Dr. ", "U.S. ", "e.g. ", "St. ", "No. 1 ", "Nov. 21 ",
    "1-2 ", "1/2 ", "12:30 ", "$1.5 billion, ", "1st ", "'90s ", "NASA ", "Louis X ",
    "www.a.", "http://", "a@b.", " — ", " – ", "( ", " ,", "\x00", "\x08", "\ud800",
    "\u0301", "\u200b", "\u2028", "&amp;", "<p>", "<s>", "# ", "> ", "- ", "|a", "=",
    "(photo ", "9", "99999999999999999999 ", "0.", "%", "€", "½", "²", "٣",
)  # fmt: skip
"""Units that, repeated, once cost superlinear time or crashed some stage."""

WORDS: Final = ("", "Hello ", "The council said ", "# ", "1 ", "Dr. Smith ")
ENDINGS: Final = ("", " x", ".", " today.", "\n\nThe end.", "%", "th")
SSML_FRAMES: Final = (
    ("<speak>", "</speak>"),
    ('<speak><say-as interpret-as="cardinal">', "</say-as></speak>"),
    ('<speak><say-as interpret-as="characters">', "</say-as></speak>"),
    ("<speak><p><s>", "</s></p></speak>"),
)


@dataclass(frozen=True)
class Sample:
    """One generated input: text of one pattern, how it is sent, and a lexicon."""

    make: Callable[[int], str]
    input_format: InputFormat
    lexicon: Lexicon | None = None
    size: int = 2_000
    label: str = ""

    @property
    def text(self) -> str:
        return self.make(self.size)


def prepare(sample: Sample, size: int | None = None) -> PreparedArticle | InputError:
    """Run the front-end; an `InputError` is a result, anything else fails the test."""
    text = sample.make(size or sample.size)
    try:
        return prepare_article(text, input_format=sample.input_format, lexicon=sample.lexicon)
    except InputError as error:
        return error


def check_result(result: PreparedArticle | InputError) -> None:
    """The result is an input error, or chunks whose every sentence speaks within the cap."""
    if isinstance(result, InputError):
        assert str(result), "an input error must say what is wrong"
        return
    sentences = [s for chunk in result.chunks for s in chunk.sentences]
    assert sentences
    for sentence in sentences:
        assert sentence.spoken.strip()
        assert len(sentence.spoken) <= MAX_SPOKEN_CHARS
        assert "\x00" not in sentence.spoken
        sentence.spoken.encode("utf-8")  # no lone surrogate reaches Piper


@contextmanager
def own_heap_only() -> Iterator[None]:
    """Keep the objects alive before the block (Hypothesis', pytest's) out of the garbage
    collector's scans inside it, so the time measured is the front-end's own."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def cpu_seconds(sample: Sample, size: int, tries: int = 3) -> float:
    """Best-of-`tries` CPU time of the front-end on `size` characters of `sample`."""
    best = float("inf")
    text = sample.make(size)
    for _ in range(tries):
        with own_heap_only():
            start = time.process_time()
            prepare(sample, size)
            best = min(best, time.process_time() - start)
    assert text  # the input is built outside the measured time
    return best


def _pattern(unit: str, before: str, after: str) -> Callable[[int], str]:
    return lambda size: repeat(unit, size, before, after)


def _framed(unit: str, frame: tuple[str, str]) -> Callable[[int], str]:
    return lambda size: repeat(unit, size, *frame)


def _mixed(units: list[str]) -> Callable[[int], str]:
    return lambda size: repeat("".join(units), size)


def _nested(open_tag: str, close_tag: str) -> Callable[[int], str]:
    def make(size: int) -> str:
        depth = max(1, size // (len(open_tag) + len(close_tag)))
        return f"<speak>{open_tag * depth}deep{close_tag * depth}</speak>"

    return make


units = st.sampled_from(HOSTILE_UNITS) | st.text(
    alphabet=st.sampled_from("".join(HOSTILE_UNITS)), min_size=1, max_size=6
)
line_formats = st.sampled_from([InputFormat.TEXT, InputFormat.MARKDOWN, InputFormat.HTML])
lexicons = st.none() | st.just(BOMB_LEXICON)


@st.composite
def hostile_samples(draw: st.DrawFn, size: int = 2_000) -> Sample:
    """A pattern repeated to `size` characters, in any input format."""
    kind = draw(st.sampled_from(["run", "mixed", "ssml", "nested"]))
    lexicon = draw(lexicons)
    if kind == "run":
        make = _pattern(draw(units), draw(st.sampled_from(WORDS)), draw(st.sampled_from(ENDINGS)))
        return Sample(make, draw(line_formats), lexicon, size)
    if kind == "mixed":
        make = _mixed(draw(st.lists(units, min_size=2, max_size=5)))
        return Sample(make, draw(line_formats), lexicon, size)
    if kind == "ssml":
        make = _framed(draw(units), draw(st.sampled_from(SSML_FRAMES)))
        return Sample(make, InputFormat.SSML, lexicon, size)
    tag = draw(st.sampled_from(["s", "p", "emphasis", "prosody"]))
    return Sample(_nested(f"<{tag}>", f"</{tag}>"), InputFormat.SSML, lexicon, size)


def _text(text: str) -> Callable[[int], str]:
    return lambda size: text


ISSUE_EXAMPLES: Final = {
    "web address": Sample(_text("Hello " + "-" * 199_990 + " x"), InputFormat.TEXT),
    "markdown heading": Sample(_text("# " + "#" * 50_000 + " x"), InputFormat.TEXT),
    "abbreviations": Sample(_text("Dr. " * 50_000), InputFormat.TEXT),
    "310 digits": Sample(_text(f"Serial {'9' * 310} today."), InputFormat.TEXT),
    "5000 digits": Sample(_text(f"Serial {'9' * 5_000} today."), InputFormat.TEXT),
    "money and percent": Sample(
        _text(f"It cost ${'9' * 300}.{'5' * 300} or {'1' * 300}% more."), InputFormat.TEXT
    ),
    "two 298-digit numbers": Sample(
        _text(f"Codes {'9' * 298} and {'8' * 298} were read out at the meeting."),
        InputFormat.TEXT,
    ),
    "NUL": Sample(_text("The council\x00 met on Tuesday."), InputFormat.TEXT),
    "lone surrogate": Sample(_text("The council \ud800 met on Tuesday."), InputFormat.TEXT),
    "1200 nested elements": Sample(_nested("<s>", "</s>"), InputFormat.SSML, size=8_400),
    "say-as 400 digits": Sample(
        _text(f'<speak><say-as interpret-as="cardinal">{"9" * 400}</say-as></speak>'),
        InputFormat.SSML,
    ),
    "lexicon bomb": Sample(_text(f"{BOMB_WORD} " * 280), InputFormat.TEXT, BOMB_LEXICON),
}


def _with_examples(test: Callable[..., None]) -> Callable[..., None]:
    for sample in ISSUE_EXAMPLES.values():
        test = example(sample=sample)(test)
    return test


@_with_examples
@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(sample=hostile_samples())
def test_only_input_errors_escape_and_sentences_speak_within_the_cap(sample: Sample) -> None:
    check_result(prepare(sample))


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(
        st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True), min_size=1, max_size=6, unique=True
    ),
    copies=st.integers(min_value=1, max_value=200),
    repeats=st.integers(min_value=1, max_value=400),
)
def test_a_lexicon_applies_once_and_cannot_multiply_the_text(
    words: list[str], copies: int, repeats: int
) -> None:
    """Each entry writes `copies` of the next entry's word: never expanded again."""
    chain = [*words, "end"]
    lexicon = Lexicon.from_entries(
        [
            LexiconEntry(word, " ".join([following] * copies))
            for word, following in itertools.pairwise(chain)
        ],
        phonemes=frozenset(),
    )
    text = f"{words[0]} " * repeats
    result = prepare(Sample(_text(text), InputFormat.TEXT, lexicon))
    check_result(result)
    if isinstance(result, PreparedArticle):
        spoken = " ".join(s.spoken for c in result.chunks for s in c.sentences)
        assert len(spoken) <= 4 * len(text) + 2_000 + 2 * len(result.chunks)
    else:
        assert isinstance(result, (LexiconError, EmptyInput))


@settings(deadline=None, max_examples=3, suppress_health_check=[HealthCheck.too_slow])
@given(sample=hostile_samples(size=GROWTH_SIZES[0]))
@example(sample=Sample(_pattern("-", "Hello ", " x"), InputFormat.MARKDOWN, label="dashes"))
@example(sample=Sample(_pattern("Dr. ", "", ""), InputFormat.TEXT, label="Dr."))
@example(sample=Sample(_pattern("#", "# ", ""), InputFormat.TEXT, label="heading"))
def test_work_grows_at_most_linearly(sample: Sample) -> None:
    small_size, large_size = GROWTH_SIZES
    cpu_seconds(sample, 1_000, tries=1)  # warm caches and lazy imports
    small = max(cpu_seconds(sample, small_size), MIN_MEASURED_SECONDS)
    large = cpu_seconds(sample, large_size)
    assert large <= MAX_GROWTH * small, (
        f"{large_size} characters took {large:.2f} s, {small_size} took {small:.2f} s"
    )


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_200k_characters_of_each_hostile_class_in_under_5_s(case: HostileCase) -> None:
    sample = Sample(case.make, case.input_format, case.lexicon)
    with own_heap_only():
        start = time.process_time()
        result = prepare(sample, TARGET_CHARS)
        elapsed = time.process_time() - start
    check_result(result)
    print(f"{case.name}: {elapsed:.2f} s CPU for {TARGET_CHARS} characters")
    assert elapsed < TARGET_CPU_SECONDS


# ---------------------------------------------------------------- what the bounds decide


def spoken_of(text: str, input_format: InputFormat = InputFormat.TEXT) -> str:
    article = prepare_article(text, input_format=input_format)
    return " ".join(s.spoken for c in article.chunks for s in c.sentences)


def test_long_numbers_are_read_digit_by_digit_then_counted() -> None:
    assert "one two three, four five six" in spoken_of("Card 1234567890123456 expired.")
    assert "a number with three hundred ten digits" in spoken_of(f"Serial {'9' * 310} today.")
    assert "a number with five hundred digits dollars" in spoken_of(f"It cost ${'9' * 500}.")
    assert "point and four hundred more digits" in spoken_of(f"Pi is 3.{'1' * 400}.")
    assert "a number with" in spoken_of(f"Up {'9' * 5_000}% today.")  # past int()'s limit


def test_a_heading_longer_than_a_heading_can_be_is_read_as_a_paragraph() -> None:
    article = prepare_article("# " + "word " * 400, input_format=InputFormat.MARKDOWN)
    assert article.blocks[0].kind is BlockKind.HEADING  # as written…
    assert not any(s.heading for c in article.chunks for s in c.sentences)  # …not as read


def test_deep_ssml_is_a_clear_error() -> None:
    with pytest.raises(InvalidSSML, match="nest more than 100 levels"):
        prepare_article(_nested("<s>", "</s>")(8_400), input_format=InputFormat.SSML)


def test_odd_characters_are_removed_before_any_stage() -> None:
    assert spoken_of("The council\x00 met\ud800 on\u200b Tuesday\x08.") == (
        "The council met on Tuesday."
    )

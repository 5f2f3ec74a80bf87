"""Byte-range parsing (RFC 9110): single ranges, suffixes, open ends, what is ignored, 416."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from service.api.ranges import parse_range
from workers.errors import RangeNotSatisfiable


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("bytes=5-4", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=abc", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-1001", "bytes=-0"])
def test_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as info:
        parse_range(header, 1000)
    assert info.value.size == 1000


DIGITS = st.text(alphabet="0123456789", max_size=6000)
RANGE_LIKE = st.builds(
    lambda unit, first, last, sep: f"{unit}={first}{sep}{last}",
    st.sampled_from(["bytes", "BYTES", "items", " bytes"]),
    DIGITS | st.integers(min_value=0, max_value=2**70).map(str),
    DIGITS | st.integers(min_value=0, max_value=2**70).map(str),
    st.sampled_from(["-", " - ", "--", ",", "-0,0-"]),
)


@given(header=RANGE_LIKE | st.text() | st.none(), size=st.integers(min_value=0, max_value=2**63))
@example(header="bytes=" + "9" * 5000 + "-", size=1000)  # the audit's 500 (int limit)
@example(header="bytes=0-" + "9" * 5000, size=1000)
@example(header="bytes=-" + "9" * 5000, size=1000)
@example(header="bytes=" + "0" * 5000 + "7-8", size=1000)
@example(header="bytes=\u0663-", size=1000)  # a non-ASCII digit is not a DIGIT (RFC 5234)
def test_any_header_gives_a_range_inside_the_file_none_or_416(
    header: str | None, size: int
) -> None:
    try:
        result = parse_range(header, size)
    except RangeNotSatisfiable as exc:
        assert exc.size == size
        return
    if result is not None:
        first, last = result
        assert 0 <= first <= last < size


POSITIONS = st.integers(min_value=0, max_value=2**64) | st.integers(
    min_value=10**17, max_value=10**40
)


@given(
    first=POSITIONS,
    last=POSITIONS,
    zeros=st.integers(min_value=0, max_value=50),
    size=st.integers(min_value=1, max_value=10**12),
)
def test_well_formed_ranges_mean_what_they_say(
    first: int, last: int, zeros: int, size: int
) -> None:
    """Long numbers (and leading zeros) are still numbers: the oracle is plain arithmetic."""
    header = f"bytes={'0' * zeros}{first}-{last}"
    if last < first:
        assert parse_range(header, size) is None
    elif first >= size:
        with pytest.raises(RangeNotSatisfiable):
            parse_range(header, size)
    else:
        assert parse_range(header, size) == (first, min(last, size - 1))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=" + "9" * 30 + "-" + "9" * 29, None),  # last < first, both past any file
        ("bytes=" + "9" * 29 + "-" + "9" * 30, RangeNotSatisfiable),
    ],
)
def test_long_positions_keep_their_order(header: str, expected: object) -> None:
    if expected is RangeNotSatisfiable:
        with pytest.raises(RangeNotSatisfiable):
            parse_range(header, 1000)
    else:
        assert parse_range(header, 1000) == expected

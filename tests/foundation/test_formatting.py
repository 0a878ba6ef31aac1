"""The one number formatter: Vietnamese grouping and decimals, the same text as Babel's own
`format_decimal` gives (the formatter keeps Babel's parsed locale and patterns between calls)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from danvankheo.core.formatting import format_money, format_number, format_score


@pytest.mark.parametrize(("value", "places", "text"), [
    (1234567, None, "1.234.567"),
    (87.5, None, "87,5"),
    (Decimal("87.25"), None, "87,25"),
    (Decimal("87.50"), None, "87,5"),
    (Decimal("87.5"), 2, "87,50"),
    (Decimal("2.345"), 2, "2,35"),  # half up
    (-12.5, None, "-12,5"),
    (0, None, "0"),
    (None, None, ""),
    ("", None, ""),
    ("không phải số", None, "không phải số"),
])
def test_format_number(value, places, text):
    assert format_number(value, places) == text


def test_scores_and_money():
    assert format_score(Decimal("87.256")) == "87,26"
    assert format_score(100) == "100"
    assert format_money(15000000) == "15.000.000 đồng"


def test_the_same_text_as_babels_format_decimal():
    rng = random.Random(7)
    for _ in range(2000):
        value = Decimal(rng.randint(-10**7, 10**7)).scaleb(-rng.randint(0, 3))
        places = rng.choice([None, 0, 1, 2])
        if places is None:
            exponent = value.normalize().as_tuple().exponent
            decimals = max(0, -exponent)
            pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
            expected = format_decimal(value, format=pattern, locale="vi_VN", decimal_quantization=False)
        else:
            pattern = "#,##0" + ("." + "0" * places if places else "")
            expected = format_decimal(value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP"),
                                      format=pattern, locale="vi_VN")
        assert format_number(value, places) == expected, (value, places)


def test_integers_take_babels_grouping():
    rng = random.Random(11)
    values = [0, 7, -7, 999, 1000, -1000, 10**18, -(10**18) - 1]
    values += [rng.randint(-10**rng.randint(1, 19), 10**rng.randint(1, 19)) for _ in range(3000)]
    for value in values:
        assert format_number(value) == format_decimal(value, format="#,##0", locale="vi_VN"), value

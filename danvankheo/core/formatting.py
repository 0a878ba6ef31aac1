"""The one formatter for numbers, money, scores, dates and periods (Babel, ``vi_VN``).

Pages (as Jinja filters), exports, documents and reports all call these functions, so a
score reads "87,5" everywhere. An empty value stays empty: ``None`` formats as ``""`` (or
the ``empty`` text a caller asks for), never as "0".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import NumberPattern, parse_pattern

LOCALE = "vi_VN"
# Parsed once: `babel.numbers.format_decimal` parses the locale and the pattern on every call,
# which was half the cost of a page of a thousand figures (a round's ranking).
_NUMBERS_LOCALE = Locale.parse(LOCALE)


@lru_cache(maxsize=32)
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def format_number(value, places: int | None = None, *, empty: str = "") -> str:
    """1234567 → "1.234.567"; 87.5 → "87,5"; with ``places`` a fixed number of decimals.

    Without ``places`` trailing zeros are dropped but nothing is rounded away: 87.25 stays
    "87,25" (never truncated to 87).
    """
    if value is None or value == "":
        return empty
    if type(value) is int and places is None:
        # Babel's grouping for vi_VN, without a Decimal and a pattern: a long list's counts.
        return f"{value:,}".replace(",", ".")
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * places if places else "")
    return _pattern(pattern).apply(number, _NUMBERS_LOCALE, decimal_quantization=places is not None)


def format_score(value, places: int | None = None, *, empty: str = "") -> str:
    """A score: at most two decimals, as the rubric allows ("7,5", "87,25", "100")."""
    if value is None or value == "":
        return empty
    number = _decimal(value)
    if places is None:
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if number != number.quantize(Decimal("0.01")) else number
    return format_number(number, places, empty=empty)


def format_money(value, *, empty: str = "") -> str:
    """Đồng, grouped, without decimals: 15000000 → "15.000.000 đồng"."""
    if value is None or value == "":
        return empty
    return f"{format_number(_decimal(value).quantize(Decimal(1)), 0)} đồng"


def format_plain(value) -> str:
    """Years, codes and identifiers: never grouped ("2026", not "2.026")."""
    return "" if value is None else str(value)


def format_day(value: date | datetime | None, *, empty: str = "") -> str:
    """dd/mm/yyyy; an aware datetime is shown in local time."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        from .timeutil import to_local

        value = to_local(value) if value.tzinfo else value
        value = value.date()
    return _babel_date(value, "dd/MM/yyyy", locale=LOCALE)


def format_period(start: date | None, end: date | None, *, empty: str = "cả năm") -> str:
    """"01/01/2026 – 30/06/2026"; an open side reads "từ …" or "đến …"; neither, ``empty``."""
    if start and end:
        return f"{format_day(start)} – {format_day(end)}"
    if start:
        return f"từ {format_day(start)}"
    if end:
        return f"đến {format_day(end)}"
    return empty


def parse_decimal(text: str | None) -> Decimal | None:
    """What an official types: "2,5", "2.5", " 87,25 " → Decimal; "" → None.

    A comma or a point is the decimal separator (scores have no thousands). Raises
    ValueError with a Vietnamese message on anything else.
    """
    if text is None:
        return None
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise ValueError("Chỉ dùng một dấu phẩy (hoặc dấu chấm) cho phần thập phân, ví dụ 2,5.")
    try:
        number = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError("Không phải là số. Hãy nhập số, ví dụ 7 hoặc 2,5.") from None
    if not number.is_finite():
        raise ValueError("Không phải là số. Hãy nhập số, ví dụ 7 hoặc 2,5.")
    return number


def parse_day(text: str | None) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, and the ISO yyyy-mm-dd a native picker sends)."""
    if text is None or not str(text).strip():
        return None
    cleaned = str(text).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError("Ngày không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 15/10/2026.")


def register_filters(app) -> None:
    """Jinja filters for templates: ``|so``, ``|diem``, ``|tien``, ``|ngay``."""
    app.add_template_filter(format_number, "so")
    app.add_template_filter(format_score, "diem_so")
    app.add_template_filter(format_money, "tien")
    app.add_template_filter(format_day, "ngay")
    app.add_template_global(format_period, "format_period")

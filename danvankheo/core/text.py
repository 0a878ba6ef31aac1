"""Vietnamese text: accent folding for search and a collation key for sorting.

Vietnamese orders its letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y;
tone marks only break ties between otherwise equal words. Neither Python's default string
order nor the database collations we can rely on do that, so names carry a precomputed
key that sorts correctly byte by byte.
"""

from __future__ import annotations

import re
import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_SPACE_RE = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip every diacritic and map đ to d: the form search compares."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE_RE.sub(" ", stripped).strip().lower()


def _split_letter(ch: str) -> tuple[str, int]:
    """Return (base letter with its letter marks, tone number) for one character."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, tone = decomposed[0], 0
    marks = ""
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _LETTER_MARKS:
            marks += mark
    return unicodedata.normalize("NFC", base + marks), tone


def sort_key(text: str | None) -> str:
    """A string that sorts in Vietnamese dictionary order under plain byte comparison."""
    if not text:
        return ""
    primary: list[str] = []
    tones: list[str] = []
    for ch in _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip().lower():
        if ch == " ":
            primary.append("#")
            continue
        letter, tone = _split_letter(ch)
        index = _ALPHABET.find(letter)
        if index >= 0:
            primary.append(chr(ord("A") + index))
        elif letter.isdigit():
            primary.append(letter)
        else:
            # Other characters keep their relative order after every letter.
            primary.append("~" + format(ord(letter), "05x"))
        tones.append(str(tone))
    # "!" is below every primary code, so a shorter word sorts before its extensions.
    return "".join(primary) + "!" + "".join(tones)


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into folded words for LIKE matching."""
    return [word for word in fold(query).split(" ") if word]


def ascii_filename(name: str) -> str:
    """The ASCII fallback of a download's file name: đ → d, then NFKD without the marks
    ("Báo cáo Đoàn.pdf" → "Bao cao Doan.pdf"); what cannot be spelled in ASCII becomes "_"."""
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in stripped)
    return ascii_only.strip() or "tep"

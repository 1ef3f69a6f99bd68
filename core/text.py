"""Plain text from members: the characters that hide or reorder what a reader sees.

Zero-width characters, bidirectional embeddings, overrides and isolates, the byte-order mark, tag
characters and the Hangul fillers render as nothing, or turn the text around them: in a display name
or a title they make "Mona\u202eredaretoM" look like someone else's name, or two names that look the
same differ. Names and titles drop them all, and the other blanks too (`strip_invisible`): every
default-ignorable code point (the grapheme joiner U+034F, variation selectors, Khmer and Mongolian
inherent vowels and selectors) and the braille blank U+2800; line and paragraph separators and
control characters become spaces for the caller to collapse, and combining marks with no letter to
sit on go, so a name or title that shows nothing comes out blank. `has_visible_text` says whether
anything a reader can see is left. Rendered content drops only the format characters, keeping the
joiners that scripts and emoji need (`strip_reordering`); braille art, marks, selectors and line
breaks are content and stay.
"""

import re
import unicodedata

from django.utils import formats, timezone

_FILLERS = "\u115f\u1160\u3164\uffa0"
_JOINERS = "\u200c\u200d"
# Unicode's Default_Ignorable_Code_Point outside category Cf (DerivedCoreProperties.txt), and the
# braille blank, which is a symbol that shows nothing.
_IGNORABLE_RANGES = [
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x2065, 0x2065),
    (0xFE00, 0xFE0F),  # variation selectors (VS16 turns a sign into an emoji: a name keeps the sign)
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),  # tags, variation selectors 17-256
    (0x2800, 0x2800),  # braille pattern blank
]
_BREAKING = {"Cc", "Zl", "Zp"}  # controls (tab and newline among them), line and paragraph separators
_MARKS = {"Mn", "Mc", "Me"}


def _by_category() -> dict[str, set[str]]:
    """The code points of the categories these rules read, in one pass over Unicode."""
    wanted: dict[str, set[str]] = {category: set() for category in {"Cf", *_BREAKING, *_MARKS}}
    for code in range(0x110000):
        if (category := unicodedata.category(chr(code))) in wanted:
            wanted[category].add(chr(code))
    return wanted


def _one_of(chars: set[str]) -> str:
    """A regular-expression class matching any of `chars`, written as ranges."""
    codes, ranges = sorted(map(ord, chars)), []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges) + "]"


_CATEGORIES = _by_category()
_FORMAT = _CATEGORIES["Cf"] | set(_FILLERS)
_IGNORABLE = {chr(c) for first, last in _IGNORABLE_RANGES for c in range(first, last + 1)}
_INVISIBLE = re.compile(_one_of(_FORMAT | _IGNORABLE))
_REORDERING = re.compile(_one_of(_FORMAT - set(_JOINERS)))
_BREAKS = re.compile(_one_of(set().union(*(_CATEGORIES[c] for c in _BREAKING))))
# Combining marks with no letter to sit on: at the start, or after a space.
_STRAY_MARKS = re.compile(r"(?:^|(?<=\s))" + _one_of(set().union(*(_CATEGORIES[c] for c in _MARKS))) + "+")


def strip_invisible(text: str) -> str:
    """`text` without any zero-width, bidirectional-control, filler or other default-ignorable
    character, with controls and line separators as spaces, and without combining marks that have no
    letter to sit on (for names and titles: one that shows nothing comes out blank)."""
    return _STRAY_MARKS.sub("", _BREAKS.sub(" ", _INVISIBLE.sub("", text)))


def tidy_line(text: str) -> str:
    """One line as stored (a name, a tag): no invisible characters, single spaces, no spaces at the ends."""
    return " ".join(strip_invisible(text).split())


def strip_reordering(text: str) -> str:
    """`text` without the invisible characters, keeping the zero-width (non-)joiners of scripts and emoji."""
    return _REORDERING.sub("", text)


def has_visible_text(text: str) -> bool:
    """Whether `text` shows a reader anything: a letter, digit, symbol or punctuation mark that is
    not one of the invisible characters (spaces and marks alone are blank)."""
    return any(unicodedata.category(c)[0] in "LNSP" for c in strip_invisible(text))


def moment(at) -> str:
    """A moment for the middle or end of a sentence, in the site's time: "26 November 2026, 20:30" (the locale's
    own date-time formats may end in a full stop, "8:30 p.m.", which a sentence then doubles)."""
    return formats.date_format(timezone.localtime(at), "j F Y, H:i")


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such a cell is
# written with a leading apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as the text it is, never runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text

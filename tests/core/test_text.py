"""The invisible and reordering characters that names, titles and rendered content drop."""

import pytest

from core.text import strip_invisible, strip_reordering

HIDDEN = [
    "\u200b",  # zero-width space
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\u061c",  # Arabic letter mark
    "\U000e0041",  # tag latin capital letter A
    "\u3164",  # Hangul filler
]


@pytest.mark.parametrize("char", HIDDEN)
def test_invisible_characters_are_dropped_from_names(char):
    assert strip_invisible(f"Mo{char}na") == "Mona"
    assert strip_reordering(f"Mo{char}na") == "Mona"


def test_joiners_stay_in_content_but_not_in_names():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert strip_reordering(family) == family
    assert strip_reordering(persian) == persian
    assert strip_invisible(family) == "\U0001f468\U0001f469\U0001f467"


def test_ordinary_text_is_untouched():
    text = "Café au lait — 東京 — نعم — tab\tand\nnewline"
    assert strip_invisible(text) == text
    assert strip_reordering(text) == text

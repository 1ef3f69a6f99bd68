"""The invisible and reordering characters that names, titles and rendered content drop."""

import pytest

from core.text import has_visible_text, strip_invisible, strip_reordering

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
    text = "Café au lait — 東京 — نعم — e\u0301 — \U0001f600"
    assert strip_invisible(text) == text
    assert strip_reordering(text) == text


BLANK = [
    "\u2800",  # braille pattern blank
    "\u034f",  # combining grapheme joiner
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u17b4",  # Khmer vowel inherent aq
    "\u17b5",  # Khmer vowel inherent aa
    "\u180b",  # Mongolian free variation selector one
    "\u180f",  # Mongolian free variation selector four
    "\ufe00",  # variation selector 1
    "\ufe0f",  # variation selector 16
    "\uffa0",  # halfwidth Hangul filler
    "\U000e0100",  # variation selector 17
]


@pytest.mark.parametrize("char", BLANK)
def test_default_ignorable_and_blank_characters_are_dropped_from_names(char):
    assert strip_invisible(f"Mo{char}na{char * 3}") == "Mona"
    assert not has_visible_text(char * 12)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x0b", "\x1f", "\x7f", "\t", "\n"])
def test_line_separators_and_control_characters_become_spaces_in_names(char):
    assert strip_invisible(f"Mona{char}Lisa") == "Mona Lisa"


def test_content_keeps_braille_marks_selectors_and_line_breaks():
    text = "\u2800\u28ff art, e\u034f\u0301, \u2764\ufe0f, line\u2028break\ttab\nnewline"
    assert strip_reordering(text) == text


@pytest.mark.parametrize("text", ["a", "7", "東", "€", "?", "  x  ", "\u2800x", "\U0001f600"])
def test_text_with_a_letter_digit_symbol_or_punctuation_is_visible(text):
    assert has_visible_text(text)


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\u0301\u0301", "\u200b\u2060", "\u3164", "\u2028\n\t"])
def test_blank_marks_and_invisible_characters_are_not_visible_text(text):
    assert not has_visible_text(text)


def test_marks_with_no_letter_to_sit_on_are_dropped_from_names_but_not_from_letters():
    assert strip_invisible("\u0301\u0301") == ""
    assert strip_invisible("\u2800\u20dd Mona \u0301Lisa") == " Mona Lisa"
    assert strip_invisible("Zoe\u0308 \u0e01\u0e34") == "Zoe\u0308 \u0e01\u0e34"
    assert strip_reordering("\u0301 x") == "\u0301 x"

"""JSON from clients, API and live socket alike: refused with a clear error, before Python's json module
would turn it into a 500 (a RecursionError on deep nesting, an infinite float from `1e400`).

`too_deep` counts nesting without parsing; `JSONParser` is DRF's, with that check and finite numbers only.
"""

import codecs
import json
import math
import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

API_MAX_DEPTH = 32  # the API's bodies are flat objects with lists of strings; 32 leaves room

# JSON strings, with their escapes: brackets inside them do not nest anything.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def too_deep(text: str, max_depth: int) -> bool:
    """Whether JSON text nests arrays and objects more than `max_depth` levels: json.loads recurses
    once per level (a RecursionError in under 4 KB)."""
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(_("A number is out of range."))
    return number


def _no_constant(name: str):
    raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing deep nesting, NaN, Infinity and numbers beyond a float's range
    with 400 (ParseError) instead of raising from deep inside a view."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        if too_deep(text, API_MAX_DEPTH):
            raise ParseError(_("Send JSON nested at most %(n)d levels.") % {"n": API_MAX_DEPTH})
        try:
            return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None

"""Plain text from members: the characters that hide or reorder what a reader sees.

Zero-width characters, bidirectional embeddings, overrides and isolates, the byte-order mark, tag
characters and the Hangul fillers render as nothing, or turn the text around them: in a display name
or a title they make "Mona\u202eredaretoM" look like someone else's name, or two names that look the
same differ. Names and titles drop them all (`strip_invisible`); rendered content drops all but the
joiners that scripts and emoji need (`strip_reordering`).
"""

import re
import unicodedata

_FILLERS = "\u115f\u1160\u3164\uffa0"
_JOINERS = "\u200c\u200d"


def _format_characters(*, keep: str = "") -> re.Pattern[str]:
    chars = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"} | set(_FILLERS)
    chars -= set(keep)
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


_INVISIBLE = _format_characters()
_REORDERING = _format_characters(keep=_JOINERS)


def strip_invisible(text: str) -> str:
    """`text` without any zero-width, bidirectional-control or filler character."""
    return _INVISIBLE.sub("", text)


def strip_reordering(text: str) -> str:
    """`text` without the invisible characters, keeping the zero-width (non-)joiners of scripts and emoji."""
    return _REORDERING.sub("", text)

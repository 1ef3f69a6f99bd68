"""What a database id can be: a whole number from 1 to the largest a 64-bit column holds (anything
else names no row, and must never reach SQL, where it would overflow)."""

ID_MAX = 2**63 - 1


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def id_from(text: str) -> int | None:
    """The id written in `text` in ASCII digits, or None."""
    return int(text) if text.isascii() and text.isdigit() and is_id(int(text)) else None

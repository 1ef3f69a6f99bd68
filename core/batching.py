"""Work in slices of a bounded size: long id lists split below the databases' parameter limits, and
one task or SMTP connection per slice."""

from collections.abc import Iterable, Iterator
from itertools import islice


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    """itertools.batched of Python 3.12: tuples of `size` items, the last one shorter."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk

"""Integers from the address, bounded to what the database holds.

Every id column is an ``Integer``: 32 bits on PostgreSQL, and SQLite refuses anything past
64 bits with ``OverflowError`` (a 500). A number beyond the columns names nothing, so it is
answered as an id that does not exist: 404 in a path, nothing chosen in a query string.
"""

from werkzeug.routing import IntegerConverter

INT_MAX = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """Werkzeug's ``int``, which no route can forget: a larger number does not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def id_from(text: object) -> int | None:
    """An id as sent in a query string or a field, or None for anything that cannot be one."""
    text = str(text or "")
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= INT_MAX else None

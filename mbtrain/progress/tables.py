"""The cohort matrix's table, rendered once for each state of the cohort.

Computing and rendering the table (every trainee's completion criteria, 25 × 17 cells) is
most of what the matrix page costs, and the table is the same for everyone allowed to see the
cohort. So each worker keeps the last tables it rendered, under a key naming everything a
table depends on:

- ``cohort.progress_stamp``, which the database's own triggers set to a new random value on
  every insert, update or delete of a row the matrix reads (migration 0007), in the writer's
  transaction;
- ``cohort.version``, the cohort's own fields (its optimistic-lock version);
- the curriculum (by hash), the day (attendance "so far", warnings), the language, the order.

A key that matches names the same table, whichever worker made it; after any change the old
key is never asked for again and falls off the end. Nothing here is shared between workers
or needed by another one: a worker without the table renders it. The stamp is read before
the data, so a table can only be newer than its key, never older.

Who may see the cohort is decided before a table is looked up (the view's load_cohort);
nothing in the table depends on who is looking.
"""

from collections import OrderedDict
from collections.abc import Hashable
from datetime import date
from threading import Lock

from flask_babel import get_locale
from markupsafe import Markup

from mbtrain.cohorts.models import Cohort

# A table of 25 trainees is some 60 kB: at most a few MB per worker.
SIZE = 32


def key(cohort: Cohort, sort: str, descending: bool, day: date, statuses: frozenset) -> Hashable:
    """What a rendered matrix depends on; ``statuses``: those the viewer's role may see."""
    return (
        statuses,
        cohort.id,
        cohort.progress_stamp,
        cohort.version,
        cohort.curriculum_version.sha256,
        day,
        str(get_locale()),
        sort,
        descending,
    )


class RenderedTables:
    """The last ``size`` tables rendered in this worker, least recently used out first."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._tables: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            table = self._tables.get(key)
            if table is not None:
                self._tables.move_to_end(key)
            return table

    def put(self, key: Hashable, table: Markup) -> Markup:
        with self._lock:
            self._tables[key] = table
            self._tables.move_to_end(key)
            while len(self._tables) > self._size:
                self._tables.popitem(last=False)
        return table

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()


MATRICES = RenderedTables()

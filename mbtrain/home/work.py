"""A home page's list of work: groups of tasks, each a link to the page where it is done.

Each role's list is read in a fixed number of queries whatever the size of the cohorts
(aggregates and one row per task in SQL, never a query per cohort or per trainee)."""

from dataclasses import dataclass, field
from typing import NamedTuple

MAX_TASKS = 25


class Task(NamedTuple):
    text: str
    url: str
    note: str = ""


@dataclass
class Group:
    """One kind of work («Søknader som venter»), with its tasks; ``count`` is how many
    things wait in all (a task may stand for several: «5 søknader i Kurs Bergen»)."""

    key: str
    heading: str
    tasks: list[Task] = field(default_factory=list)
    count: int = 0
    empty: str = ""
    left_off: int = 0  # tasks counted but not listed (a group lists at most MAX_TASKS)

    def add(self, task: Task, count: int = 1) -> None:
        self.tasks.append(task)
        self.count += count

    def add_listed(self, task: Task) -> None:
        """One task more, listed while there are fewer than MAX_TASKS, counted always."""
        if len(self.tasks) < MAX_TASKS:
            self.tasks.append(task)
        else:
            self.left_off += 1
        self.count += 1

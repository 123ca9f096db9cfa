"""iCalendar (RFC 5545) text for a calendar feed: plain values in, bytes out.

Only what a phone calendar needs is put in a feed: what is taught, when and where. No names
of people, no notes (a note is free text and could name someone).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import icalendar

PRODUCT_ID = "-//mbtrain//MB-opplaeringen//NO"
TIMEZONE_NAME = "Europe/Oslo"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    start: datetime | date  # a date for a whole-day event (a practice period)
    end: datetime | date  # exclusive, as iCalendar has it
    location: str = ""
    description: str = ""
    cancelled: bool = False
    sequence: int = 0


def build_calendar(name: str, events: Iterable[FeedEvent], now: datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE_NAME)
    for event in events:
        calendar.add_component(_component(event, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _component(event: FeedEvent, now: datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", now)
    component.add("dtstart", event.start)
    component.add("dtend", event.end)
    component.add("summary", event.summary)
    if event.location:
        component.add("location", event.location)
    if event.description:
        component.add("description", event.description)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("sequence", event.sequence)
    if not isinstance(event.start, datetime):
        component.add("transp", "TRANSPARENT")  # a practice period does not block the day
    return component

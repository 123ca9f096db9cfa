"""How long what is kept: the retention rules, as plain values in and out.

Three periods, read from the settings (mbtrain/config.py):

- partner access: a partner stops seeing a placement's trainee PARTNER_ACCESS_DAYS after the
  placement ended (mbtrain/policy.py computes that from the dates); after that, the links that
  were e-mailed to the supervisor are useless residue and go.
- attendance detail: RETENTION_ATTENDANCE_DETAIL_DAYS after a cohort ended, what says *why*
  someone was away or left (sickness, free-text reasons and notes) goes. What the certificate
  and the reports count stays: every session's record, its hours, and whether it counts
  against attendance.
- access log: rows older than RETENTION_ACCESS_LOG_DAYS are deleted.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mbtrain.curriculum.definition import AttendanceStatus


@dataclass(frozen=True)
class RetentionPeriods:
    partner_access_days: int
    attendance_detail_days: int
    access_log_days: int
    # The longest an e-mailed link works: a message older than this holds only dead links.
    link_lifetime: timedelta

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "RetentionPeriods":
        return cls(
            partner_access_days=config["PARTNER_ACCESS_DAYS"],
            attendance_detail_days=config["RETENTION_ATTENDANCE_DETAIL_DAYS"],
            access_log_days=config["RETENTION_ACCESS_LOG_DAYS"],
            link_lifetime=max(config["TOKEN_LIFETIME"], config["PLACEMENT_LINK_LIFETIME"]),
        )


@dataclass(frozen=True)
class Cutoffs:
    """What ended (dates) or happened (times) before these is past its retention."""

    placement_ended_before: date
    cohort_ended_before: date
    logged_before: datetime
    mailed_before: datetime


def cutoffs(periods: RetentionPeriods, today: date, now: datetime) -> Cutoffs:
    # The same arithmetic as policy.partner_can_see: no access once today > end + days.
    return Cutoffs(
        placement_ended_before=today - timedelta(days=periods.partner_access_days),
        cohort_ended_before=today - timedelta(days=periods.attendance_detail_days),
        logged_before=now - timedelta(days=periods.access_log_days),
        mailed_before=now - periods.link_lifetime,
    )


def reason_free_status(
    status: AttendanceStatus, counts_against: Collection[AttendanceStatus]
) -> AttendanceStatus:
    """The status to keep once the reason for an absence is past its retention.

    «Syk» is health information; «Ikke møtt» and «Avtalt fravær» are not. Sickness becomes the
    other status that the cohort's completion rule treats the same way, so every attendance
    percentage stays as it was; with no such status it is kept.
    """
    if status is not AttendanceStatus.SYK:
        return status
    sick_counts = AttendanceStatus.SYK in counts_against
    for neutral in (AttendanceStatus.IKKE_MOTT, AttendanceStatus.AVTALT_FRAVAER):
        if (neutral in counts_against) == sick_counts:
            return neutral
    return status

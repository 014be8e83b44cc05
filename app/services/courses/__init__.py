"""Courses 课程 and residents' attendance.

A course is an event with a completion rule (`Event.completion_sessions`) whose sessions are its
slots: a resident signs up once for the whole course through the one sign-up service
(`app.services.signup`: its lock, capacity, waitlist and reference code), and is present or
not at each session. A session with places of its own also takes session-only sign-ups (an
open lecture); events that are not courses keep their slots as alternatives.

- `attendance`: present at a session, by the sheet's code, the staff's tap or the
  resident's reference code.
- `certificates`: completion certificates 结业证明 for those who met the course's rule.
- `sheet`: the staff's sign-in sheet, a section per session, counting people, not sign-ups.
"""

from app.services.courses.attendance import (
    AttendanceRefused,
    Marked,
    attended_slot_ids,
    find_by_code,
    mark_present,
    session_of,
    sheet_window,
    unmark,
)
from app.services.courses.certificates import (
    Progress,
    attended_counts,
    progress,
)
from app.services.courses.certificates import file_name as certificate_file_name
from app.services.courses.certificates import find as find_certificate
from app.services.courses.certificates import issue as issue_certificate
from app.services.courses.certificates import make as make_certificate
from app.services.courses.sheet import SheetLine, SheetSection, SignInSheet, sign_in_sheet

__all__ = [
    "AttendanceRefused",
    "Marked",
    "Progress",
    "SheetLine",
    "SheetSection",
    "SignInSheet",
    "attended_counts",
    "attended_slot_ids",
    "certificate_file_name",
    "find_by_code",
    "find_certificate",
    "issue_certificate",
    "make_certificate",
    "mark_present",
    "progress",
    "session_of",
    "sheet_window",
    "sign_in_sheet",
    "unmark",
]

"""Sign-ups, attendance and volunteer hours."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class RegistrationStatus(LabelledEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    attended = "attended"

    @classmethod
    def _labels(cls):
        return {
            cls.confirmed: _l("Confirmed"),
            cls.waitlisted: _l("Waitlisted"),
            cls.cancelled: _l("Cancelled"),
            cls.attended: _l("Attended"),
        }

class AttendanceMethod(LabelledEnum):
    """How a resident's presence at a session was recorded."""

    sheet_qr = "sheet_qr"  #: the resident scanned the printed sign-in sheet's code
    staff = "staff"  #: a coordinator tapped the name on the staff page
    code = "code"  #: the resident showed their reference code to the staff

    @classmethod
    def _labels(cls):
        return {
            cls.sheet_qr: _l("Scanned the sign-in sheet"),
            cls.staff: _l("Marked by staff"),
            cls.code: _l("Showed the reference code"),
        }

class HoursRounding(LabelledEnum):
    """How a town rounds the minutes an attended shift credits (服务时长计算规则)."""

    down = "down"
    nearest = "nearest"
    up = "up"

    @classmethod
    def _labels(cls):
        return {
            cls.down: _l("Round down"),
            cls.nearest: _l("Round to the nearest"),
            cls.up: _l("Round up"),
        }

class AttendanceStatus(LabelledEnum):
    """What happened on a shift, for one volunteer."""

    present = "present"
    late = "late"  #: came, late (the minutes are kept)
    absent = "absent"  #: did not come: a no-show

    @classmethod
    def _labels(cls):
        return {
            cls.present: _l("Present"),
            cls.late: _l("Late"),
            cls.absent: _l("Absent"),
        }

class HoursKind(LabelledEnum):
    """Why an entry is in the service-hours ledger."""

    attendance = "attendance"  #: the time of an attended shift
    change = "change"  #: the attendance was recorded again: the difference
    correction = "correction"  #: a coordinator's correction (who and why are kept)

    @classmethod
    def _labels(cls):
        return {
            cls.attendance: _l("Attended shift"),
            cls.change: _l("Attendance changed"),
            cls.correction: _l("Correction"),
        }

"""The volunteer's small portal: subscribe to the calendar, replace the link, import busy times."""

from app.portal import answers as _answers  # noqa: F401  (its routes)
from app.portal import attendance as _attendance  # noqa: F401  (its routes)
from app.portal import inbox as _inbox  # noqa: F401  (its routes)
from app.portal import pairing as _pairing  # noqa: F401  (its routes)
from app.portal import patrols as _patrols  # noqa: F401  (its routes)
from app.portal import qualifications as _qualifications  # noqa: F401  (its routes)
from app.portal import swaps as _swaps  # noqa: F401  (its routes)
from app.portal import visits as _visits  # noqa: F401  (its routes)
from app.portal.views import portal_bp

__all__ = ["portal_bp"]

"""A town's rules for credited service hours: round the checked minutes to a step, then cap
them per shift. One function applies them, wherever hours are credited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import HoursRounding
from app.models import HoursRule


@dataclass(frozen=True)
class CreditRules:
    step_minutes: int = 1
    rounding: HoursRounding = HoursRounding.down
    max_minutes_per_shift: int | None = None

    def apply(self, minutes: int) -> int:
        step = max(self.step_minutes, 1)
        whole, rest = divmod(max(minutes, 0), step)
        if rest and (self.rounding == HoursRounding.up
                     or (self.rounding == HoursRounding.nearest and 2 * rest >= step)):
            whole += 1
        rounded = whole * step
        if self.max_minutes_per_shift is not None:
            rounded = min(rounded, self.max_minutes_per_shift)
        return rounded


#: A town that set nothing credits the checked minutes as they are.
AS_CHECKED = CreditRules()


def rules_for(session: Session, town: str) -> CreditRules:
    rule = session.scalar(select(HoursRule).where(HoursRule.town == town))
    if rule is None:
        return AS_CHECKED
    return CreditRules(rule.step_minutes, rule.rounding, rule.max_minutes_per_shift)

"""Step 3 of the method: members paired with families, care packages and service projects."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum
from app.enums.households import HouseholdCategory


class PairingStatus(LabelledEnum):
    """A pairing (结对) of a member with a family: proposed by Linli or a coordinator,
    confirmed by the coordinator, ended when the period is over or the pair is let go."""

    proposed = "proposed"
    confirmed = "confirmed"
    ended = "ended"

    @classmethod
    def _labels(cls):
        return {
            cls.proposed: _l("Proposed, waiting for the coordinator"),
            cls.confirmed: _l("Confirmed"),
            cls.ended: _l("Ended"),
        }

#: Pairings that hold one of the member's family places.
OPEN_PAIRING = (PairingStatus.proposed, PairingStatus.confirmed)

#: The article's six categories of families paired with members (step 3): poor and ill,
#: elderly living alone, very old, laid-off, disabled or intellectually disabled (both the
#: step-1 "disabled person" and the article's "残疾智障" category), hit by a major misfortune.
PAIRING_CATEGORIES = (
    HouseholdCategory.poor_and_ill,
    HouseholdCategory.living_alone,
    HouseholdCategory.very_old,
    HouseholdCategory.laid_off,
    HouseholdCategory.disabled,
    HouseholdCategory.intellectual_disability,
    HouseholdCategory.major_misfortune,
)

class ProjectTarget(LabelledEnum):
    """Whom a service project (服务项目, step 3) is for."""

    children_families = "children_families"
    new_residents = "new_residents"
    elderly = "elderly"
    youth = "youth"
    all_residents = "all_residents"

    @classmethod
    def _labels(cls):
        return {
            cls.children_families: _l("Families with children"),
            cls.new_residents: _l("Migrant tenants (new Shanghainese)"),
            cls.elderly: _l("Elderly residents"),
            cls.youth: _l("Young people"),
            cls.all_residents: _l("All residents"),
        }

class PackageCadence(LabelledEnum):
    """How often an item of an elderly person's service package (服务套餐) comes round."""

    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"  #: on the nth (or last) given weekday of each month
    weekdays = "weekdays"  #: every week on each of a set of weekdays

    @classmethod
    def _labels(cls):
        return {
            cls.weekly: _l("Every week"),
            cls.fortnightly: _l("Every two weeks"),
            cls.monthly: _l("Once a month"),
            cls.weekdays: _l("On set weekdays each week"),
        }

class PackageVisitLeft(LabelledEnum):
    """Why a package visit was left for the scheduler instead of going to the item's helper:
    the engine's rule the helper would break (`scheduler.eligibility.rule_breaks`)."""

    no_helper = "no_helper"
    skill = "skill"
    team = "team"
    availability = "availability"
    overlap = "overlap"
    weekly_cap = "weekly_cap"
    declined = "declined"
    #: A make-up visit: no free time of the helper's in the coming week holds it.
    no_free_time = "no_free_time"

    @classmethod
    def _labels(cls):
        return {
            cls.no_helper: _l("The item has no helper"),
            cls.skill: _l("The helper lacks the skill (or a valid licence for it)"),
            cls.team: _l("The helper is not in the required team"),
            cls.availability: _l("The helper is not available then"),
            cls.overlap: _l("The helper has another shift then"),
            cls.weekly_cap: _l("The helper's weekly limit would be exceeded"),
            cls.declined: _l("The helper declined this visit"),
            cls.no_free_time: _l("None of the helper's free times in the coming week fits "
                                 "the make-up visit"),
        }

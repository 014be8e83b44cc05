"""Step 1 of the method: households, their categories and the visits that keep contact with them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class HouseholdCategory(LabelledEnum):
    """Categories from the article: the visit cadence and the pairing programme."""

    ordinary = "ordinary"
    resource = "resource"
    elderly_only = "elderly_only"
    disabled = "disabled"
    special_population = "special_population"
    group_renting = "group_renting"
    poor_and_ill = "poor_and_ill"
    living_alone = "living_alone"
    very_old = "very_old"
    laid_off = "laid_off"
    intellectual_disability = "intellectual_disability"
    major_misfortune = "major_misfortune"

    @classmethod
    def _labels(cls):
        return {
            cls.ordinary: _l("Ordinary household"),
            cls.resource: _l("Resource group (teachers, doctors, legal workers)"),
            cls.elderly_only: _l("Elderly-only household"),
            cls.disabled: _l("Disabled person"),
            cls.special_population: _l("Special population"),
            cls.group_renting: _l("Group-renting tenants"),
            cls.poor_and_ill: _l("Poor and ill"),
            cls.living_alone: _l("Elderly living alone"),
            cls.very_old: _l("Very old"),
            cls.laid_off: _l("Laid-off"),
            cls.intellectual_disability: _l("Disabled or intellectually disabled"),
            cls.major_misfortune: _l("Family hit by a major misfortune"),
        }

class VisitKind(LabelledEnum):
    door = "door"
    phone = "phone"
    appointment = "appointment"
    care_package = "care_package"
    follow_up = "follow_up"
    #: A festival visit of a campaign (Mid-Autumn, Spring Festival, Double Ninth), with a gift.
    festival = "festival"

    @classmethod
    def _labels(cls):
        return {
            cls.door: _l("Door visit"),
            cls.phone: _l("Phone call"),
            cls.appointment: _l("Appointment"),
            cls.care_package: _l("Care package visit"),
            cls.follow_up: _l("Follow-up after an incident"),
            cls.festival: _l("Festival visit"),
        }

class VisitOutcome(LabelledEnum):
    planned = "planned"
    done = "done"
    missed = "missed"
    not_at_home = "not_at_home"
    refused = "refused"
    phone_instead = "phone_instead"

    @classmethod
    def _labels(cls):
        return {
            cls.planned: _l("Planned"),
            cls.done: _l("Done"),
            cls.missed: _l("Missed"),
            cls.not_at_home: _l("Not at home"),
            cls.refused: _l("Refused"),
            cls.phone_instead: _l("Phone call instead"),
        }

#: Outcomes that count as an effective contact (the article: "at least one effective contact").
EFFECTIVE = (VisitOutcome.done, VisitOutcome.phone_instead)

#: Recorded contacts that reached nobody (or were turned away): the household is still due.
NOT_EFFECTIVE = (VisitOutcome.missed, VisitOutcome.not_at_home, VisitOutcome.refused)

#: Outcomes a member may record on a planned visit (portal, API).
RECORDABLE = (VisitOutcome.done, VisitOutcome.not_at_home, VisitOutcome.refused,
              VisitOutcome.phone_instead)

class ContactWindow(LabelledEnum):
    """When a household prefers to be contacted ("fitted to their working hours")."""

    weekday_daytime = "weekday_daytime"
    weekday_evening = "weekday_evening"
    weekend_daytime = "weekend_daytime"
    weekend_evening = "weekend_evening"

    @classmethod
    def _labels(cls):
        return {
            cls.weekday_daytime: _l("Weekday daytime"),
            cls.weekday_evening: _l("Weekday evening"),
            cls.weekend_daytime: _l("Weekend daytime"),
            cls.weekend_evening: _l("Weekend evening"),
        }

class IncidentKind(LabelledEnum):
    water_cut = "water_cut"
    power_cut = "power_cut"
    gas_cut = "gas_cut"
    lift_failure = "lift_failure"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.water_cut: _l("Water cut"),
            cls.power_cut: _l("Power cut"),
            cls.gas_cut: _l("Gas cut"),
            cls.lift_failure: _l("Lift failure"),
            cls.other: _l("Other"),
        }

class RoundStatus(LabelledEnum):
    """A visit round: drafted by the planner, published by the coordinator, or discarded."""

    draft = "draft"
    published = "published"
    discarded = "discarded"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
            cls.discarded: _l("Discarded"),
        }

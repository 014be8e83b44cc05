"""Step 2 of the method: residents' requests, how they are handled, escalated and answered."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class RequestCategory(LabelledEnum):
    """What a resident's request or suggestion is about (step 2 of the article)."""

    environment = "environment"
    property_repair = "property_repair"
    public_facilities = "public_facilities"
    safety = "safety"
    elderly_care = "elderly_care"
    health = "health"
    parking_traffic = "parking_traffic"
    neighbours = "neighbours"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.environment: _l("Environment and cleanliness"),
            cls.property_repair: _l("Building and property repair"),
            cls.public_facilities: _l("Public facilities and greenery"),
            cls.safety: _l("Safety and security"),
            cls.elderly_care: _l("Care for the elderly"),
            cls.health: _l("Health services"),
            cls.parking_traffic: _l("Parking and traffic"),
            cls.neighbours: _l("Between neighbours"),
            cls.other: _l("Something else"),
        }

class RequestStatus(LabelledEnum):
    """Where a resident's request stands, named for the resident who reads it.

    The three ways of the article: a personal demand that cannot be met gets an explanation
    (``explained``); a reasonable improvement is carried out (``improving``) and its result
    posted; a matter with both benefit and harm goes to the residents' council (``council``).
    """

    received = "received"
    handling = "handling"
    explained = "explained"
    improving = "improving"
    council = "council"
    resolved = "resolved"
    #: The same matter as another request: handled, and answered, with that one.
    merged = "merged"

    @classmethod
    def _labels(cls):
        return {
            cls.received: _l("Received, waiting to be looked at"),
            cls.handling: _l("Being looked into by the neighbourhood committee"),
            cls.explained: _l("Answered with an explanation"),
            cls.improving: _l("Improvement under way"),
            cls.council: _l("Referred to the residents' council"),
            cls.resolved: _l("Resolved"),
            cls.merged: _l("Handled together with the same request from another resident"),
        }

#: Requests still in someone's hands (counted as open, may become overdue).
OPEN_REQUEST = (RequestStatus.received, RequestStatus.handling, RequestStatus.improving,
                RequestStatus.council)

class LevelHandler(LabelledEnum):
    """Who handles a request at a linkage level (四级联动, `app.models.LinkageLevel`): the
    service group of the building's patch and the neighbourhood committee each hold one
    level, the two lowest; every other level is handled by one of its departments."""

    service_group = "service_group"
    committee = "committee"
    department = "department"

    @classmethod
    def _labels(cls):
        return {
            cls.service_group: _l("The building's service group"),
            cls.committee: _l("The neighbourhood committee"),
            cls.department: _l("A department of the level"),
        }

class FollowUpOutcome(LabelledEnum):
    """What the follow-up contact after an explanation came to (kept in the request's
    history): the raiser was reached and talked it through, or could not be reached."""

    reached = "reached"
    not_reached = "not_reached"

    @classmethod
    def _labels(cls):
        return {
            cls.reached: _l("Reached: talked it through"),
            cls.not_reached: _l("Could not be reached"),
        }

class SatisfactionAnswer(LabelledEnum):
    """The raiser's answer to the questionnaire sent when their request is resolved."""

    satisfied = "satisfied"
    partly = "partly"
    not_satisfied = "not_satisfied"

    @classmethod
    def _labels(cls):
        return {
            cls.satisfied: _l("Yes, it is resolved"),
            cls.partly: _l("Partly"),
            cls.not_satisfied: _l("No, it is not resolved"),
        }

class PhotoStage(LabelledEnum):
    """Whether a request's photo shows the matter as raised or as it was resolved: the notice
    board puts the two side by side."""

    before = "before"
    after = "after"

    @classmethod
    def _labels(cls):
        return {
            cls.before: _l("Before (as raised)"),
            cls.after: _l("After (as resolved)"),
        }

class RequestChannel(LabelledEnum):
    """How a request reached the committee."""

    form = "form"
    call = "call"
    visit = "visit"
    patrol = "patrol"
    api = "api"

    @classmethod
    def _labels(cls):
        return {
            cls.form: _l("Residents' form"),
            cls.call: _l("Phone call or visit to the office"),
            cls.visit: _l("Household visit"),
            cls.patrol: _l("Volunteer patrol"),
            cls.api: _l("App or mini-program"),
        }

"""Who works in Linli: roles, teams and service groups, and what the audit log records."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class Role(LabelledEnum):
    admin = "admin"
    coordinator = "coordinator"
    team_lead = "team_lead"
    volunteer = "volunteer"
    #: A town department's handler: sees and handles only the residents' requests escalated
    #: to their department (`User.department`).
    department = "department"

    @classmethod
    def _labels(cls):
        return {
            cls.admin: _l("Town administrator"),
            cls.coordinator: _l("Neighbourhood coordinator"),
            cls.team_lead: _l("Team lead"),
            cls.volunteer: _l("Volunteer"),
            cls.department: _l("Town department handler"),
        }

class TeamKind(LabelledEnum):
    medical = "medical"
    haircut = "haircut"
    repair = "repair"
    counselling = "counselling"
    elder_care = "elder_care"
    environment = "environment"
    youth = "youth"
    legal = "legal"
    patrol = "patrol"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.medical: _l("Home medical care"),
            cls.haircut: _l("Home haircut"),
            cls.repair: _l("Property repair"),
            cls.counselling: _l("Psychological counselling"),
            cls.elder_care: _l("Help for elderly and disabled"),
            cls.environment: _l("Environment clean-up"),
            cls.youth: _l("Youth holiday tutoring"),
            cls.legal: _l("Legal advice"),
            cls.patrol: _l("Patrol"),
            cls.other: _l("Other"),
        }

class ServiceGroupKind(LabelledEnum):
    """The four kinds of service group (团组) of the article."""

    officials = "officials"
    party_posts = "party_posts"
    in_service_party = "in_service_party"
    resident_volunteers = "resident_volunteers"

    @classmethod
    def _labels(cls):
        return {
            cls.officials: _l("Committee officials"),
            cls.party_posts: _l("Party members on responsibility posts"),
            cls.in_service_party: _l("In-service party members registered here"),
            cls.resident_volunteers: _l("Resident volunteers"),
        }

class AuditAction(LabelledEnum):
    """What someone did with a household's file (the audit trail of residents' data)."""

    viewed = "viewed"
    created = "created"
    changed = "changed"
    deleted = "deleted"
    exported = "exported"
    imported = "imported"

    @classmethod
    def _labels(cls):
        return {
            cls.viewed: _l("Viewed"),
            cls.created: _l("File created"),
            cls.changed: _l("Changed"),
            cls.deleted: _l("Deleted"),
            cls.exported: _l("Exported"),
            cls.imported: _l("Imported from a spreadsheet"),
        }

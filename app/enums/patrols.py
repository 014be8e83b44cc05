"""Patrols and festival visits: sites, checklists, festivals and donors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class PatrolSiteKind(LabelledEnum):
    """What kind of place a patrol site is; the inspection checklist depends on it."""

    internet_cafe = "internet_cafe"
    entertainment = "entertainment"  #: game halls, KTV
    market = "market"
    residential = "residential"  #: a neighbourhood's own round
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.internet_cafe: _l("Internet café"),
            cls.entertainment: _l("Game hall or karaoke"),
            cls.market: _l("Market or shops"),
            cls.residential: _l("Residential area"),
            cls.other: _l("Other place"),
        }

class ChecklistAnswer(LabelledEnum):
    """An answer to one checklist item of an inspection."""

    yes = "yes"
    no = "no"
    not_applicable = "not_applicable"

    @classmethod
    def _labels(cls):
        return {
            cls.yes: _l("Yes"),
            cls.no: _l("No"),
            cls.not_applicable: _l("Not applicable"),
        }

class Festival(LabelledEnum):
    """The festivals on which neighbourhoods visit their elderly and families in need."""

    spring_festival = "spring_festival"
    lantern = "lantern"
    dragon_boat = "dragon_boat"
    mid_autumn = "mid_autumn"
    double_ninth = "double_ninth"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.spring_festival: _l("Spring Festival"),
            cls.lantern: _l("Lantern Festival"),
            cls.dragon_boat: _l("Dragon Boat Festival"),
            cls.mid_autumn: _l("Mid-Autumn Festival"),
            cls.double_ninth: _l("Double Ninth Festival"),
            cls.other: _l("Other occasion"),
        }

class DonorKind(LabelledEnum):
    company = "company"
    organisation = "organisation"
    individual = "individual"

    @classmethod
    def _labels(cls):
        return {
            cls.company: _l("Company"),
            cls.organisation: _l("Organisation"),
            cls.individual: _l("Individual"),
        }

"""Festival visit campaigns and donations.

A campaign's "plan the visits" action writes a planned festival visit for each household of
its categories (`app.services.festivals.plan_visits`); those visits are then recorded in the
visits list like any contact. Figures come from `app.services.festivals.campaign_results`,
once per list page.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.fields import EnumMultipleField
from admin.filters import enum_filters
from app.enums import DonorKind, Festival, HouseholdCategory
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Donation, FestivalCampaign
from app.models.base import utcnow
from app.services import festivals


def _results(model: FestivalCampaign) -> festivals.CampaignResults:
    cached = getattr(g, "campaign_results", {})
    if model.id not in cached:
        cached = festivals.campaign_results(db.session, [model.id])
    return cached[model.id]


def _visits_text(view: Any, context: Any, model: FestivalCampaign, name: str) -> str:
    r = _results(model)
    return gettext("%(reached)s of %(n)s visited (%(missed)s not reached)", reached=r.reached,
                   n=r.households, missed=r.not_reached)


def _donations_text(view: Any, context: Any, model: FestivalCampaign, name: str) -> str:
    r = _results(model)
    return gettext("%(n)s donations worth %(value)s yuan", n=r.donations, value=r.donated_yuan)


def _categories_text(view: Any, context: Any, model: FestivalCampaign, name: str) -> str:
    return "、".join(HouseholdCategory(c).label for c in model.categories)


class FestivalCampaignView(LinliModelView):
    column_list = ["title", "festival", "neighbourhood", "starts_on", "ends_on", "visits",
                   "donations"]
    column_details_list = ["title", "festival", "neighbourhood", "starts_on", "ends_on",
                           "categories", "institution", "gift", "visits", "donations", "notes"]
    column_export_list = ["id", "title", "festival", "neighbourhood", "starts_on", "ends_on",
                          "categories", "institution", "gift", "visits", "donations"]
    column_labels = {"festival": _l("Festival"), "categories": _l("Households visited"),
                     "institution": _l("Institution visited"), "gift": _l("Gift"),
                     "visits": _l("Visits"), "donations": _l("Donations")}
    column_descriptions = {
        "categories": _l("Every household of these categories in the neighbourhood gets a "
                         "planned festival visit when you use “Plan the visits”."),
        "institution": _l("For example the town nursing home, visited as a whole."),
    }
    column_formatters = {"visits": _visits_text, "donations": _donations_text,
                         "categories": _categories_text}
    column_formatters_export = column_formatters
    column_searchable_list = ["title"]
    column_filters = [*enum_filters(FestivalCampaign.festival, _l("Festival"), Festival),
                      "neighbourhood.name"]
    column_default_sort = ("starts_on", True)
    list_load_options = (joinedload(FestivalCampaign.neighbourhood),
                         selectinload(FestivalCampaign.category_links))
    form_columns = ["neighbourhood", "festival", "title", "starts_on", "ends_on", "categories",
                    "institution", "gift", "notes"]
    form_extra_fields = {
        "categories": EnumMultipleField(_l("Households visited"), enum=HouseholdCategory),
    }

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        g.campaign_results = festivals.campaign_results(db.session, [row.id for row in rows])
        return count, rows

    def _export_data(self) -> Any:
        count, rows = super()._export_data()
        rows = list(rows)
        g.campaign_results = festivals.campaign_results(db.session, [row.id for row in rows])
        return count, rows

    def on_model_change(self, form: Any, model: FestivalCampaign, is_created: bool) -> None:
        try:
            festivals.check_campaign(model)
        except festivals.FestivalError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)

    @action("plan_visits", _l("Plan the visits"),
            _l("Plan a festival visit for every household of the selected campaigns' "
               "categories that has none yet?"))
    def action_plan_visits(self, ids: list[str]) -> None:
        zone = deployment_zone()
        planned = sum(festivals.plan_visits(db.session, campaign, zone)
                      for campaign in self.writable_rows(ids))
        db.session.commit()
        flash(gettext("%(n)s festival visits planned.", n=planned), "success")


class DonationView(LinliModelView):
    column_list = ["received_on", "donor", "donor_kind", "value_yuan", "recipients",
                   "campaign", "neighbourhood", "acknowledged_on"]
    column_details_list = ["received_on", "donor", "donor_kind", "donor_named", "value_yuan",
                           "items",
                           "recipients_count", "recipients", "campaign", "neighbourhood",
                           "acknowledged_on", "acknowledgement"]
    column_export_list = column_details_list
    column_labels = {"received_on": _l("Received on"), "donor": _l("Donor"),
                     "donor_kind": _l("Donor kind"), "value_yuan": _l("Value (yuan)"),
                     "donor_named": _l("May be named in public"),
                     "items": _l("Items"), "recipients_count": _l("Number of recipients"),
                     "recipients": _l("Recipients"),
                     "acknowledged_on": _l("Acknowledged on"),
                     "acknowledgement": _l("Acknowledgement")}
    column_descriptions = {
        "value_yuan": _l("Estimated value in whole yuan; for gifts in kind, from the "
                         "donor's receipt."),
        "recipients": _l("Who received it, in words, e.g. “100多位老人”. Never shown in "
                         "public: the thank-you page gives only the number."),
        "donor_named": _l("An individual donor agreed to be named on the public thank-you "
                          "page. Companies and organisations are always named there; only "
                          "acknowledged donations appear."),
        "acknowledgement": _l("How the donor was thanked (letter, notice board, banner)."),
    }
    column_searchable_list = ["donor", "items"]
    column_filters = [*enum_filters(Donation.donor_kind, _l("Donor kind"), DonorKind),
                      "neighbourhood.name"]
    column_default_sort = ("received_on", True)
    list_load_options = (joinedload(Donation.neighbourhood), joinedload(Donation.campaign))
    form_columns = ["neighbourhood", "campaign", "donor", "donor_kind", "donor_named",
                    "received_on",
                    "value_yuan", "items", "recipients_count", "recipients", "acknowledged_on",
                    "acknowledgement"]

    def on_model_change(self, form: Any, model: Donation, is_created: bool) -> None:
        try:
            festivals.check_donation(model, today=utcnow().astimezone(deployment_zone()).date())
        except festivals.FestivalError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)

"""Each state of a request in the words of the resident who reads it: who has it now and
what happens next (FixMyStreet's issue 4457: a vague state reads as being fobbed off)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.enums import RequestStatus
from app.i18n import local_date, localised
from app.models import ResidentRequest


def state_label(request: ResidentRequest) -> Any:
    """The state's name as the resident reads it, naming who really has the request: a
    department it was passed on to, or the service group of the committee that holds it (the
    bare state says "the neighbourhood committee", which is wrong once a department has it).
    A request merged into one that is resolved reads as resolved: it was handled with it."""
    if request.status == RequestStatus.merged and _resolved_with(request):
        return RequestStatus.resolved.label
    if request.status == RequestStatus.handling:
        department = request.department
        if department is not None:
            return _l("Being looked into by %(department)s",
                      department=localised(department.name, department.name_en))
        if request.service_group is not None:
            return _l("Being looked into by %(group)s of the neighbourhood committee",
                      group=request.service_group.name)
    return request.status.label


def _resolved_with(request: ResidentRequest) -> bool:
    survivor = request.merged_into
    return survivor is not None and survivor.status == RequestStatus.resolved


def next_step(request: ResidentRequest) -> Any:
    """What the resident can expect now, naming who holds the request."""
    committee = localised(request.neighbourhood.name, request.neighbourhood.name_en)
    holder = request.service_group.name if request.service_group else None
    S = RequestStatus
    if request.status == S.received:
        return _l("The %(committee)s neighbourhood committee has your request and will look at "
                  "it within a few working days.", committee=committee)
    department = request.department
    if department is not None and request.status in (S.handling, S.improving):
        return _l("The %(committee)s neighbourhood committee passed it on to "
                  "%(department)s, which is handling it now. You are told the outcome here.",
                  committee=committee,
                  department=localised(department.name, department.name_en))
    if request.status == S.handling:
        if holder:
            return _l("%(group)s of the %(committee)s neighbourhood committee is looking into "
                      "it and will tell you how it will be handled.", group=holder,
                      committee=committee)
        return _l("The %(committee)s neighbourhood committee is looking into it and will tell "
                  "you how it will be handled.", committee=committee)
    if request.status == S.explained and request.follow_up_due_on is not None \
            and request.follow_up_done_at is None:
        return _l("The committee has answered with an explanation (below). Someone from the "
                  "committee will get back in touch with you around %(day)s to see how things "
                  "stand; if anything is unclear before then, call the committee and give your "
                  "reference code.", day=local_date(request.follow_up_due_on, "long"))
    if request.status == S.explained:
        return _l("The committee has answered with an explanation (below). If anything is "
                  "unclear, call the committee and give your reference code.")
    if request.status == S.improving:
        return _l("The committee is carrying out the improvement. When it is done, the result "
                  "is posted on the neighbourhood's notice board.")
    if request.status == S.council:
        return _l("Residents' representatives will discuss it and decide at a residents' "
                  "council meeting. The decision is posted on the notice board.")
    if request.status == S.merged:
        survivor = request.merged_into
        if _resolved_with(request):
            return _l("Another resident raised the same matter (request %(code)s): the "
                      "committee handled both together and it is resolved. What was done is "
                      "below.", code=survivor.reference_code)
        if survivor is not None:
            return _l("Another resident raised the same matter (request %(code)s): the "
                      "committee handles both together and tells you the outcome.",
                      code=survivor.reference_code)
        return _l("The committee handles it together with the same request from another "
                  "resident and tells you the outcome.")
    return _l("This request is resolved. If it is not, call the committee and give your "
              "reference code: it will be reopened.")

"""The notice board (公示栏) on the phone and on paper: resolved improvements and council
decisions per neighbourhood, only the committee's public texts (`app.services.requests.board`).

Cacheable like the event pages: no session cookie for an anonymous visitor, an ETag from a
cheap version key, and a 304 without rendering when the visitor's copy is current. The same
texts as JSON and as an Atom feed, for the neighbourhood's WeChat account editor, with the
photos the committee published (by the address that serves only those, as on the page) and the
same donors as the page (companies and organisations only, recipients as a number: the
thank-you page's privacy rule, `app.services.thanks`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, time

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.csrf import is_anonymous_visitor
from app.extensions import db
from app.i18n import deployment_zone, localised
from app.models import Neighbourhood
from app.public.caching import code_version
from app.public.requests import photo_response
from app.public.views import public_bp
from app.services import requests as requests_service
from app.services import thanks as thanks_service
from app.services.requests.photos import BoardPhoto, board_photo, board_photos

ATOM = "http://www.w3.org/2005/Atom"


@public_bp.get("/board/")
def board_index() -> str:
    neighbourhoods = db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.town, Neighbourhood.name)).all()
    return render_template("public/board_index.html", neighbourhoods=neighbourhoods,
                           counts=requests_service.posted_counts(db.session))


@public_bp.get("/board/<int:neighbourhood_id>")
def board(neighbourhood_id: int) -> Response:
    etag = None
    if is_anonymous_visitor():
        # The donors listed change it too (an acknowledgement, a gift taken back).
        etag = requests_service.board_version(
            db.session, neighbourhood_id, get_locale(), code_version(),
            *thanks_service.donations_state(db.session, neighbourhood_id))
        if etag in request.if_none_match:
            response = Response(status=304)
            response.set_etag(etag)
            return response
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        abort(404)
    body = render_template(
        "public/board.html", neighbourhood=neighbourhood,
        name=localised(neighbourhood.name, neighbourhood.name_en),
        entries=(entries := requests_service.board_entries(db.session, neighbourhood_id)),
        photos=board_photos(db.session, [e.id for e in entries]),
        donors=thanks_service.board_donors(db.session, neighbourhood_id))
    response = Response(body, mimetype="text/html")
    if etag:
        response.set_etag(etag)
    return response


def _turnout_text(turnout: requests_service.Turnout) -> str:
    return _("%(attended)s of the %(invited)s residents' representatives invited came to the "
             "meeting.", attended=turnout.attended, invited=turnout.invited)


def _vote_json(vote: requests_service.Tally) -> dict[str, object]:
    """The council's vote in counts: each option as the committee wrote it, its votes, and
    whether it was adopted; the abstentions."""
    return {"options": [{"option": o.label, "votes": o.votes, "adopted": o.adopted}
                        for o in vote.options],
            "abstentions": vote.abstentions}


def _board_or_404(neighbourhood_id: int) -> Neighbourhood:
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        abort(404)
    return neighbourhood


def _cached(neighbourhood_id: int, kind: str) -> tuple[str, Response | None]:
    """The board's validator for this representation, and a 304 when the copy is current."""
    etag = requests_service.board_version(
        db.session, neighbourhood_id, get_locale(), code_version(), kind,
        *thanks_service.donations_state(db.session, neighbourhood_id))
    if etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        return etag, response
    return etag, None


def _photo_url(photo: BoardPhoto) -> str:
    return url_for("public.board_photo_file", photo_id=photo.id, _external=True)


def _photo_json(photo: BoardPhoto) -> dict[str, object]:
    return {"url": _photo_url(photo), "content_type": photo.content_type,
            "width": photo.width, "height": photo.height, "stage": photo.stage.value,
            "stage_label": str(photo.stage.label)}


def _donor_json(d: thanks_service.Thanks) -> dict[str, object]:
    return {"donor": d.donor, "kind": d.kind.value, "items": d.items,
            "value_yuan": d.value_yuan, "recipients": d.recipients,
            "received_on": d.received_on.isoformat(), "campaign": d.campaign or None}


def _donor_text(d: thanks_service.Thanks) -> str:
    """The donor's line as the page writes it."""
    parts = [f"{d.donor}：{d.items}" if d.items else d.donor]
    if d.value_yuan:
        parts.append(_("Worth %(value)s yuan", value=d.value_yuan))
    if d.recipients:
        parts.append(ngettext("for %(num)d resident", "for %(num)d residents", d.recipients))
    if d.campaign:
        parts.append(d.campaign)
    return " · ".join(parts)


@public_bp.get("/board/<int:neighbourhood_id>.json")
def board_json(neighbourhood_id: int) -> Response:
    """The board for the neighbourhood's WeChat account editor and other sites: the public
    texts only, as on the page."""
    etag, not_modified = _cached(neighbourhood_id, "json")
    if not_modified is not None:
        return not_modified
    neighbourhood = _board_or_404(neighbourhood_id)
    entries = requests_service.board_entries(db.session, neighbourhood_id)
    photos = board_photos(db.session, [e.id for e in entries])
    response = jsonify({
        "neighbourhood": localised(neighbourhood.name, neighbourhood.name_en),
        "url": url_for("public.board", neighbourhood_id=neighbourhood_id, _external=True),
        "entries": [{
            "id": e.id, "title": e.title, "category": e.category.value,
            "category_label": str(e.category.label), "result": e.result,
            "council_decision": e.council_decision,
            "council_attendance": {"attended": e.turnout.attended,
                                   "invited": e.turnout.invited} if e.turnout else None,
            "council_vote": _vote_json(e.vote) if e.vote else None,
            "received_at": e.received_at.isoformat(),
            "resolved_at": (e.resolved_at or e.posted_at).isoformat(),
            "posted_at": e.posted_at.isoformat(),
            "photos": [_photo_json(p) for p in photos.get(e.id, [])]} for e in entries],
        "donors": [_donor_json(d) for d in thanks_service.board_donors(
            db.session, neighbourhood_id)]})
    response.set_etag(etag)
    return response


@public_bp.get("/board/<int:neighbourhood_id>.atom")
def board_atom(neighbourhood_id: int) -> Response:
    """The board as an Atom feed (RFC 4287), newest first, for feed readers and editors."""
    etag, not_modified = _cached(neighbourhood_id, "atom")
    if not_modified is not None:
        return not_modified
    neighbourhood = _board_or_404(neighbourhood_id)
    entries = requests_service.board_entries(db.session, neighbourhood_id)
    photos = board_photos(db.session, [e.id for e in entries])
    donors = thanks_service.board_donors(db.session, neighbourhood_id)
    zone = deployment_zone()
    given = {d.id: datetime.combine(d.received_on, time(), tzinfo=zone) for d in donors}
    page = url_for("public.board", neighbourhood_id=neighbourhood_id, _external=True)
    tag = f"tag:{current_app.config['LINLI_DEPLOYMENT_ID']},2026:board-{neighbourhood_id}"
    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "id").text = tag
    ET.SubElement(feed, "title").text = _("%(name)s notice board", name=localised(
        neighbourhood.name, neighbourhood.name_en))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=page)
    ET.SubElement(feed, "link", rel="self", href=request.url)
    ET.SubElement(feed, "updated").text = max(
        [e.posted_at for e in entries[:1]] + list(given.values()),
        default=datetime(2026, 1, 1, tzinfo=UTC)).isoformat()
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = _(
        "%(name)s neighbourhood committee", name=neighbourhood.name)
    for e in entries:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"{tag}:{e.id}"
        ET.SubElement(entry, "title").text = e.title
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=page)
        for photo in photos.get(e.id, []):
            # RFC 4287 4.2.7.2: an enclosure is a related resource, possibly large.
            ET.SubElement(entry, "link", rel="enclosure", type=photo.content_type,
                          href=_photo_url(photo), length=str(photo.size),
                          title=str(photo.stage.label))
        ET.SubElement(entry, "published").text = (e.resolved_at or e.posted_at).isoformat()
        ET.SubElement(entry, "updated").text = e.posted_at.isoformat()
        ET.SubElement(entry, "category", term=e.category.value, label=str(e.category.label))
        text = e.result
        if e.council_decision:
            decision = _("Residents' council decision:")
            text = f"{decision} {e.council_decision}\n\n{text}"
            if e.vote:
                vote = _("The council's vote:")
                text = f"{vote} {requests_service.tally_text(e.vote)}\n{text}"
            if e.turnout:
                text = f"{_turnout_text(e.turnout)}\n{text}"
        ET.SubElement(entry, "content", type="text").text = text
    for d in donors:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"{tag}:donation-{d.id}"
        ET.SubElement(entry, "title").text = d.donor
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=page)
        ET.SubElement(entry, "published").text = given[d.id].isoformat()
        ET.SubElement(entry, "updated").text = given[d.id].isoformat()
        ET.SubElement(entry, "category", term="donation", label=_("Donors"))
        ET.SubElement(entry, "content", type="text").text = _donor_text(d)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    response = Response(body, mimetype="application/atom+xml")
    response.set_etag(etag)
    return response


@public_bp.get("/board/photos/<int:photo_id>")
def board_photo_file(photo_id: int) -> Response:
    """A photo the committee published with a request on the notice board."""
    photo = board_photo(db.session, photo_id)
    if photo is None:
        abort(404)
    return photo_response(photo, "public, max-age=300")

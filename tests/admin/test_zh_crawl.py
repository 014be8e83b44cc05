"""The Chinese admin is Chinese: a town admin in zh_CN opens every admin page (each model
view's list, create form, edit form of one row and details, the scheduling pages, the
dashboard, the custom pages of the views) and no English word or raw code is left in the
visible text (tags, scripts and styles stripped; placeholders, tooltips and labels kept).

Text the users typed in (usernames, skill codes, English names, e-mail addresses) is data,
not interface: it is collected from the rows themselves and allowed.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from admin import access
from app.enums import Role, RunStatus
from app.models import (
    LinkageLevel,
    Neighbourhood,
    Registration,
    ResidentRequest,
    ScheduleRun,
    Skill,
    User,
    Volunteer,
)
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

#: Short tokens that are names or universal abbreviations, not English left untranslated.
ALLOWED = {"English", "Linli", "iCal", "CSV", "XLSX", "ID", "QR", "ics", "Excel", "SMS", "MB",
           "xlsx", "csv", "PDF"}

#: Attributes a person sees or hears (tooltips, placeholders, screen-reader labels).
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-placeholder")

WORD = re.compile(r"[A-Za-z][A-Za-z_]*[A-Za-z]|[A-Za-z]")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|/)[\w./?=&%#:-]+")


class VisibleText(HTMLParser):
    """Text a person sees: character data outside script/style/template, option labels,
    button values, the visible attributes, the labels Flask-Admin's scripts show from its
    JSON data blocks (filters, confirmations), and the inline-form templates the "add"
    buttons copy into the page."""

    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._data_block: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
            return
        a = dict(attrs)
        if (a.get("id") or "").endswith("-data"):
            self._data_block = a["id"]
        for name in VISIBLE_ATTRIBUTES:
            if a.get(name):
                self.parts.append(str(a[name]))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(str(a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        self._data_block = None

    def handle_data(self, data: str) -> None:
        if self._skipping or not data.strip():
            return
        if self._data_block:
            self.parts.extend(_json_labels(self._data_block, json.loads(data)))
        elif data.lstrip().startswith("<"):  # an escaped inline-form template
            self.parts.append(visible_text(data))
        else:
            self.parts.append(data.strip())


def _json_labels(block: str, data: Any) -> list[str]:
    """What Flask-Admin's scripts put on screen from one of its JSON blocks."""
    if block == "filter-groups-data":
        labels = list(data)
        for group in data.values():
            for flt in group:
                labels.append(flt["operation"])
                labels += [label for _value, label in flt.get("options") or ()]
        return labels
    if block == "actions-confirmation-data":
        return list(data.values())
    if block == "active-filters-data":
        return [name for _index, name, _value in data]
    return [data] if isinstance(data, str) else []


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(text: str, allowed: set[str]) -> list[str]:
    text = EMAIL.sub(" ", text)
    text = URL.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w not in allowed})


def _data_tokens(session: Any) -> set[str]:
    """Words of the rows' own English-by-nature values (usernames, codes, English names)."""
    values: list[str] = []
    values += [u.username for u in session.query(User)]
    values += [s.code for s in session.query(Skill)] + [s.name_en for s in session.query(Skill)]
    values += [n.name_en for n in session.query(Neighbourhood) if n.name_en]
    values += [level.name_en for level in session.query(LinkageLevel)]
    values += [v.email for v in session.query(Volunteer) if v.email]
    values += [r.reference_code for r in session.query(Registration)]
    values += [r.reference_code for r in session.query(ResidentRequest)]
    return {w for value in values for w in WORD.findall(value or "")}


def _pages(app: Any, session: Any, world: Any, run_id: int, role: Role) -> list[str]:
    admin = app.extensions["admin"][0]
    pages = ["/admin/", "/admin/schedule/", f"/admin/schedule/run/{run_id}",
             f"/admin/schedule/run/{run_id}/hand?shift={world.jiahong.rows['shift'].id}",
             "/admin/schedule/overdue", "/admin/reports/"]
    rows = {**world.jiahong.rows, **world.shared}
    for view in admin._views:
        endpoint = view.endpoint
        if not hasattr(view, "model"):
            continue
        granted = access.permissions(role, view.model.__name__)
        if access.READ not in granted:
            continue
        row = rows.get(endpoint) or session.query(view.model).first()
        pages.append(f"/admin/{endpoint}/")
        if access.CREATE in granted:
            pages.append(f"/admin/{endpoint}/new/")
        if row is not None:
            pages.append(f"/admin/{endpoint}/details/?id={row.id}")
            if access.EDIT in granted:
                pages.append(f"/admin/{endpoint}/edit/?id={row.id}")
    volunteer = world.jiahong.rows["volunteer"]
    event = world.jiahong.rows["event"]
    pages += [
        f"/admin/volunteer/import-ics/{volunteer.id}/",
        "/admin/volunteer/import/",
        "/admin/household/import/",
        f"/admin/eventtemplate/stamp/?id={world.shared['eventtemplate'].id}",
        f"/staff/events/{event.id}/register",
        f"/admin/residentrequest/handle/?id={world.jiahong.rows['residentrequest'].id}",
        "/admin/no-such-page/",
    ]
    return pages


@pytest.mark.parametrize("role", [Role.admin, Role.coordinator])
def test_every_admin_page_is_chinese(app, client, db_session, world, role) -> None:
    run = db_session.get(ScheduleRun, world.jiahong.rows["schedulerun"].id)
    run.status = RunStatus.succeeded
    db_session.flush()
    quick_login(client, world.users[role.value])
    allowed = ALLOWED | _data_tokens(db_session)
    pages = _pages(app, db_session, world, run.id, role)
    problems: dict[str, list[str]] = {}
    for path in pages:
        response = client.get(path)
        body = as_text(response)
        expected = 404 if "no-such-page" in path else 200
        assert response.status_code == expected, (path, response.status_code, body[-2000:])
        words = english_words(visible_text(body), allowed)
        if words:
            problems[path] = words
    assert not problems, "\n".join(f"{p}: {' '.join(w)}" for p, w in problems.items())

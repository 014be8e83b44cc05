"""Every admin path of every model view, with hostile parameters, as the town admin and as a
coordinator: no request may end in a server error (5xx, or an exception escaping the app).

The crawl covers list pages (each filter with values it cannot take, sorting by a column
that does not exist, pages below one and far beyond the last, absurd page sizes), details,
edit and delete with ids that are not ids, bulk actions with such ids, CSV export with the
same filters, ajax lookups, and create/edit forms posted with hostile values in every field.
A refusal is fine (400, 403, 404, a form shown again with a message, a redirect); a 500 is a
defect. The tries and failures are printed at the end of each run (`pytest -s`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask_admin.contrib.sqla import ModelView

from tests.admin.conftest import quick_login
from tests.helpers import csrf_token_from, form_fields

pytestmark = pytest.mark.integration

#: Values no sane filter, id or page number takes: one of each kind (negative, past any
#: integer column, not a number, empty, astral and bidi characters, a NUL byte); values of a
#: kind already here reach the same code (0 as -1, 2**31 as 2**63, "../" as "abc").
HOSTILE_IDS = ["-1", str(2**63), "abc", "", "𠮷\u202e", "1\x00"]
#: Filter values: everything above plus values of the wrong kind for dates and choices.
HOSTILE_FILTER_VALUES = ["x", str(2**63), "0001-01-01", "9999-12-31", "1\x00", "1,abc"]
#: Field values for posted forms.
HOSTILE_FIELD_VALUES = ["x", "-1", str(2**63), "\x00", "0001-01-01 00:00", "9999-12-31 23:59",
                        "𠮷" * 300]
PAGE_ARGS = [{"page": "-1"}, {"page": str(2**63)}, {"page": "abc"}, {"page_size": "-1"},
             {"page_size": str(2**63)}, {"sort": "999"}, {"sort": "-1"}, {"sort": "abc"},
             {"desc": "x", "sort": "0"}, {"search": "\x00%_'\""}, {"search": "𠮷" * 500}]
#: An export has no pages: it reads the sort and the search only.
EXPORT_ARGS = [args for args in PAGE_ARGS if not {"page", "page_size"} & set(args)]


class Crawl:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.tries = 0
        self.failures: list[str] = []

    def request(self, method: str, url: str, **kw: Any) -> Any:
        self.tries += 1
        try:
            response = self.client.open(url, method=method, **kw)
        except Exception as error:  # an exception escaping the app is a server error
            self.failures.append(f"{method} {url!r} {kw.get('data', '')!r}: "
                                 f"{type(error).__name__}: {error}"[:400])
            return None
        body = response.get_data()  # read it all (a spreadsheet export is binary)
        response.close()
        if response.status_code >= 500:
            self.failures.append(f"{method} {url!r}: {response.status_code}")
        return response if body is not None else None

    def get(self, path: str, args: dict[str, str] | None = None) -> Any:
        return self.request("GET", path + ("?" + urlencode(args) if args else ""))


def model_views(app: Any) -> list[ModelView]:
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if isinstance(view, ModelView)]


def crawl_view(crawl: Crawl, view: ModelView, token: str, row_id: int | None) -> None:
    base = view.url.rstrip("/")
    with crawl.client.application.test_request_context():
        filters = list(view._filter_args or {})
    # Lists and exports: every filter at once with each value of the wrong kind (Flask-Admin
    # parses, validates and applies each active filter on its own, so one request tries
    # them all and any one of them failing fails it), then paging and sorting.
    if filters:
        for value in HOSTILE_FILTER_VALUES:
            crawl.get(f"{base}/", {f"flt{i}_{key}": value for i, key in enumerate(filters)})
        crawl.get(f"{base}/export/csv/", {f"flt{i}_{key}": "x" for i, key in enumerate(filters)})
    crawl.get(f"{base}/", {"flt0_999": "x", "flt_x": "1", "fltx_0": "1"})
    for args in PAGE_ARGS:
        crawl.get(f"{base}/", args)
    for args in EXPORT_ARGS:
        crawl.get(f"{base}/export/csv/", args)
    crawl.get(f"{base}/export/xlsx/")
    crawl.get(f"{base}/export/../")
    # Details, edit, delete and bulk actions with ids that are not ids.
    for bad in HOSTILE_IDS:
        crawl.get(f"{base}/details/", {"id": bad})
        crawl.get(f"{base}/edit/", {"id": bad, "url": bad})
        crawl.request("POST", f"{base}/edit/?" + urlencode({"id": bad}),
                      data={"csrf_token": token})
        crawl.request("POST", f"{base}/delete/", data={"id": bad, "csrf_token": token})
        crawl.request("POST", f"{base}/action/",
                      data={"action": "delete", "rowid": [bad], "csrf_token": token})
        crawl.request("POST", f"{base}/action/",
                      data={"action": bad, "rowid": ["1"], "csrf_token": token})
        crawl.get(f"{base}/ajax/lookup/", {"name": bad, "query": bad})
        crawl.request("POST", f"{base}/ajax/update/",
                      data={"list_form_pk": bad, "title": "x", "csrf_token": token})
    crawl.get(f"{base}/new/", {"url": "../", "id": "abc"})
    # Forms posted with a hostile value in every field (create, then edit of an own row);
    # one field at a time on the first form shown (the create form, else the edit form; they
    # share their fields and checks).
    one_by_one_done = False
    targets = [f"{base}/new/"]
    if row_id is not None:
        targets.append(f"{base}/edit/?id={row_id}")
    for target in targets:
        page = crawl.get(target)
        if page is None or page.status_code != 200:
            continue
        html = page.get_data(as_text=True)
        if 'name="csrf_token"' not in html:
            continue
        fields = form_fields(html)
        form_token = csrf_token_from(html)
        for value in HOSTILE_FIELD_VALUES:
            data = {name: value for name in fields if name != "csrf_token"}
            data["csrf_token"] = form_token
            crawl.request("POST", target, data=data)
        if one_by_one_done:
            continue
        one_by_one_done = True
        # One field at a time, the others as the page had them (reaches deeper validation).
        for name in fields:
            if name == "csrf_token":
                continue
            for value in (str(2**63), "\x00"):
                crawl.request("POST", target, data={**fields, name: value,
                                                    "csrf_token": form_token})


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_no_admin_path_answers_a_server_error(app, client, world, role) -> None:
    token = quick_login(client, world.users[role])
    crawl = Crawl(client)
    own = world.jiahong.rows
    for view in model_views(app):
        endpoint = view.endpoint
        row = own.get(endpoint) or world.shared.get(endpoint)
        crawl_view(crawl, view, token, getattr(row, "id", None))
    print(f"\nadmin crawl as {role}: {crawl.tries} tries, {len(crawl.failures)} server errors")
    assert not crawl.failures, "\n".join(crawl.failures[:60])

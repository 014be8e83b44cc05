"""The language switch is a group of buttons named "Language" for screen readers: the name is
an element the group points at, hidden from sight by a class the page's own stylesheet
defines (public.css on public pages, Bootstrap on the admin's and the login's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests import factories as f

pytestmark = pytest.mark.integration

PUBLIC_CSS = Path(__file__).resolve().parents[3] / "app" / "static" / "public.css"


def _named_group(page: str) -> str:
    """The switch's hidden name, after checking the group points at an element that exists."""
    form = re.search(r'<form[^>]*action="/language"[^>]*>', page)
    assert form is not None, page[:400]
    label_id = re.search(r'aria-labelledby="([^"]+)"', form.group(0))
    assert label_id is not None and 'role="group"' in form.group(0)
    name = re.search(rf'<span class="sr-only" id="{label_id.group(1)}">([^<]+)</span>', page)
    assert name is not None
    return name.group(1)


def test_public_pages_name_the_switch_with_a_class_public_css_defines(
        client: FlaskClient, db_session: Session) -> None:
    neighbourhood = f.make_neighbourhood(db_session)
    page = client.get(f"/board/{neighbourhood.id}").get_data(as_text=True)
    assert "public.css" in page
    assert _named_group(page) == "语言"
    rule = re.search(r"\.sr-only\s*\{([^}]*)\}", PUBLIC_CSS.read_text(encoding="utf-8"))
    assert rule is not None
    assert "position: absolute" in rule.group(1) and "clip-path: inset(50%)" in rule.group(1)
    assert "display: none" not in rule.group(1)  # screen readers skip what is not displayed


def test_the_login_page_names_the_switch_too(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "bootstrap.min.css" in page
    assert _named_group(page) == "语言"

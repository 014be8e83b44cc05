"""Flask-Admin's own messages reach a Chinese page in Chinese: those its zh_Hans_CN catalog
lacks come from ours (admin/i18n.py)."""

from __future__ import annotations

import re
from pathlib import Path

import flask_admin
import pytest
from flask import Flask
from flask_admin.babel import gettext as admin_gettext
from flask_babel import force_locale

pytestmark = pytest.mark.integration


def test_every_message_of_flask_admins_model_views_is_chinese(app: Flask) -> None:
    source = (Path(flask_admin.__file__).parent / "model" / "base.py").read_text()
    messages = set(re.findall(r'gettext\(\s*"([^"]+)"', source))
    assert {"Failed to save record.", "Record was successfully saved."} <= messages
    with app.test_request_context(), force_locale("zh_CN"):
        untranslated = sorted(m for m in messages if admin_gettext(m) == m)
        assert admin_gettext("Failed to save record.") == "保存记录失败。"
    assert untranslated == []

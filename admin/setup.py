from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme


def init_admin(app: Flask) -> Admin:
    admin = Admin(app, name="邻里 Linli", theme=Bootstrap4Theme(swatch="default", fluid=True))
    return admin

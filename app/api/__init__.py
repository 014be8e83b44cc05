"""The JSON API under /api/v1 for a mobile or mini-program front end, with its OpenAPI
document at /api/v1/openapi.json (flask-smorest)."""

from app.api.views import init_api

__all__ = ["init_api"]

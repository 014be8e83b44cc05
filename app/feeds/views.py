"""Feed views: look the feed up through the service and wrap its bytes in HTTP.

HTTP caching: the ETag is a hash of the bytes sent, Last-Modified the latest change of the
rows; a matching If-None-Match (or, without one, an If-Modified-Since not older than the
feed) answers 304 with no body. Secret feeds say `private`, public ones may be cached by
proxies for a few minutes.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, request
from werkzeug.http import http_date
from werkzeug.wrappers import Response

from app.config import shared_redis_url
from app.extensions import db
from app.feeds import logs
from app.models import utcnow
from app.services import feeds as feed_service
from app.services.feeds import FeedCache, FeedKind, FeedSettings, RenderedFeed
from app.services.feeds.shared import EXTENSION, KnownFeed, SharedFeedVersions

feeds_bp = Blueprint("feeds", __name__, url_prefix="/feeds")

CACHE_KEY = "linli_feed_cache"
PRIVATE_CACHE_CONTROL = "private, no-cache"
PUBLIC_CACHE_CONTROL = "public, max-age=300"


def feed_cache(app: Flask | None = None) -> FeedCache:
    return (app or current_app).extensions[CACHE_KEY]


def settings() -> FeedSettings:
    return FeedSettings.from_config(current_app.config)


@feeds_bp.after_request
def _no_referrer(response: Response) -> Response:
    # The path is a secret: no page must ever send it on as a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _not_modified(feed: RenderedFeed | KnownFeed) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(feed.etag.strip('"'))
    since = request.if_modified_since
    return bool(since and feed.last_modified and feed.last_modified.replace(microsecond=0)
                <= since)


def _cache_headers(feed: RenderedFeed | KnownFeed, cache_control: str) -> dict[str, str]:
    headers = {"ETag": feed.etag, "Cache-Control": cache_control}
    if feed.last_modified is not None:
        headers["Last-Modified"] = http_date(feed.last_modified)
    return headers


def _respond(feed: RenderedFeed | None, *, cache_control: str, filename: str) -> Response:
    if feed is None:
        abort(404)
    headers = _cache_headers(feed, cache_control)
    if _not_modified(feed):
        return Response(status=304, headers=headers)
    response = Response(feed.body, headers=headers)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    # A phone that cannot subscribe gets the file to import (the portal's "download" link).
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@feeds_bp.get("/v/<token>.ics")
def volunteer_feed(token: str) -> Response:
    now = utcnow()
    shared: SharedFeedVersions | None = current_app.extensions.get(EXTENSION)
    generation = None
    if shared is not None:
        generation, known = feed_service.known_volunteer_feed(shared, token, now)
        if known is not None and _not_modified(known):
            return Response(status=304, headers=_cache_headers(known, PRIVATE_CACHE_CONTROL))
    feed = feed_service.volunteer_feed(db.session, token, now=now, settings=settings(),
                                       cache=feed_cache(), shared=shared, generation=generation)
    return _respond(feed, cache_control=PRIVATE_CACHE_CONTROL, filename="linli.ics")


@feeds_bp.get("/t/<token>.ics")
def team_feed(token: str) -> Response:
    feed = feed_service.team_feed(db.session, token, now=utcnow(), settings=settings(),
                                  cache=feed_cache())
    return _respond(feed, cache_control=PRIVATE_CACHE_CONTROL, filename="linli-team.ics")


def _public_locale() -> str:
    lang = request.args.get("lang", "")
    if lang in current_app.config["LINLI_LOCALES"]:
        return lang
    return current_app.config["LINLI_DEFAULT_LOCALE"]


@feeds_bp.get("/events/<int:event_id>.ics")
def event_feed(event_id: int) -> Response:
    feed = feed_service.public_feed(db.session, FeedKind.event, event_id, now=utcnow(),
                                    settings=settings(), cache=feed_cache(),
                                    locale=_public_locale())
    return _respond(feed, cache_control=PUBLIC_CACHE_CONTROL, filename=f"event-{event_id}.ics")


@feeds_bp.get("/neighbourhoods/<int:neighbourhood_id>.ics")
def neighbourhood_feed(neighbourhood_id: int) -> Response:
    feed = feed_service.public_feed(db.session, FeedKind.neighbourhood, neighbourhood_id,
                                    now=utcnow(), settings=settings(), cache=feed_cache(),
                                    locale=_public_locale())
    return _respond(feed, cache_control=PUBLIC_CACHE_CONTROL,
                    filename=f"neighbourhood-{neighbourhood_id}.ics")


def init_app(app: Flask) -> None:
    app.extensions[CACHE_KEY] = FeedCache()
    seconds = app.config["LINLI_FEED_SHARED_SECONDS"]
    redis_url = shared_redis_url(app.config)
    if seconds > 0 and redis_url:
        app.extensions[EXTENSION] = SharedFeedVersions.from_url(
            redis_url, prefix=f"{app.config['HUEY_NAME']}-feeds", seconds=seconds)
    app.register_blueprint(feeds_bp)
    logs.install(app.logger, url_map=app.url_map)

"""Keep secret links out of logs: the request log prints the path, and some paths are keys.

Which parts of a URL are secret is decided by route, not by a pattern over paths: a filter on
the loggers that print request paths (werkzeug's request log, Flask's exception log, gunicorn's
access and error logs) matches each path in a record against the application's URL map, after
collapsing `.` and `//` segments as a client may send them. A URL argument named in
`SECRET_ARGUMENTS` (every `<token>` route: feeds, confirm/decline, help, a resident's
registration and its cancel page, the API's registration) and a query argument named in
`SECRET_QUERY` (the portal's signed `?t=` link, and `?f=` from a calendar feed) are replaced
by `[redacted]`. A path that matches no route but begins like a route with a secret is cut
after that beginning.
"""

from __future__ import annotations

import logging
import posixpath
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, RequestRedirect

MARK = "[redacted]"
#: URL arguments that are capabilities: whoever knows the value may act.
SECRET_ARGUMENTS = frozenset({"token"})
#: Query arguments that are capabilities, by endpoint.
SECRET_QUERY: dict[str, frozenset[str]] = {"portal.index": frozenset({"t", "f"})}
LOGGER_NAMES = ("werkzeug", "gunicorn.access", "gunicorn.error")
#: A path in a log line: starts with "/" not glued to a word ("HTTP/1.1", "01/Dec/2026").
PATH_IN_TEXT = re.compile(r"(?<![\w.:/])/[^\s\"'<>]*")
#: A full URL (a Referer in gunicorn's access log): its path is redacted the same way.
URL_IN_TEXT = re.compile(r"(https?://[^/\s\"'<>]+)(/[^\s\"'<>]*)")

_maps: list[Map] = []


def _normal(path: str) -> str:
    decoded = unquote(path)
    collapsed = posixpath.normpath("/" + decoded.lstrip("/")) if decoded else "/"
    collapsed = "/" + collapsed.lstrip("/")  # normpath keeps a leading "//"
    if decoded.endswith("/") and not collapsed.endswith("/"):
        collapsed += "/"
    return collapsed


def _match(url_map: Map, path: str) -> tuple[str, dict, object] | None:
    adapter = url_map.bind("redact.invalid")
    for _ in range(3):
        try:
            endpoint, args = adapter.match(path, method="GET")
            return endpoint, args, adapter
        except MethodNotAllowed as exc:
            for method in sorted(exc.valid_methods or ()):
                try:
                    endpoint, args = adapter.match(path, method=method)
                    return endpoint, args, adapter
                except HTTPException:
                    continue
            return None
        except RequestRedirect as exc:
            path = urlsplit(exc.new_url).path
        except HTTPException:
            return None
    return None


#: Per URL map: (how many rules it had, the fixed beginnings of its routes with a secret).
_prefixes: dict[int, tuple[int, tuple[str, ...]]] = {}


def _secret_prefixes(url_map: Map) -> tuple[str, ...]:
    # Every log line asks; the map only changes while the app is being set up.
    size = len(url_map._rules)
    known = _prefixes.get(id(url_map))
    if known is None or known[0] != size:
        prefixes = tuple(sorted({rule.rule.split("<", 1)[0] for rule in url_map.iter_rules()
                                 if SECRET_ARGUMENTS & set(rule.arguments)},
                                key=len, reverse=True))
        known = _prefixes[id(url_map)] = (size, prefixes)
    return known[1]


def redact_target(target: str, url_map: Map) -> str:
    """One request target (path and query) with its secret parts replaced."""
    path, sep, query = target.partition("?")
    normal = _normal(path)
    if not sep and not normal.startswith(_secret_prefixes(url_map)):
        # No route with a secret begins so (the common case: /healthz, /events/3): nothing
        # to match.
        return path
    found = _match(url_map, normal)
    endpoint = None
    if found is not None:
        endpoint, args, _adapter = found
        secrets = SECRET_ARGUMENTS & set(args)
        if secrets:
            path = normal
            for name in secrets:
                path = path.replace(str(args[name]), MARK)
    else:
        for prefix in _secret_prefixes(url_map):
            if normal.startswith(prefix) and len(normal) > len(prefix):
                path = prefix + MARK
                break
    if not sep:
        return path
    secret_names = SECRET_QUERY.get(endpoint or "", frozenset())
    pairs = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in secret_names:
            value = MARK
        elif value.startswith("/"):  # ?next=/portal/?t=... carries a link inside
            value = redact_target(value, url_map)
        pairs.append((name, value))
    return f"{path}?{urlencode(pairs, safe='/[]')}"


def redact(text: str, url_map: Map | None = None) -> str:
    maps = [url_map] if url_map is not None else _maps[-1:]
    if not maps:
        return text
    text = URL_IN_TEXT.sub(
        lambda found: found.group(1) + redact_target(found.group(2), maps[0]), text)
    return PATH_IN_TEXT.sub(lambda found: redact_target(found.group(0), maps[0]), text)


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        try:
            redacted = redact(message)
        except Exception:  # never lose a log line; but never print a possible secret either
            redacted = PATH_IN_TEXT.sub(MARK, message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


# The old name, for anything that imported it.
RedactFeedTokens = RedactSecretLinks
_FILTER = RedactSecretLinks()


def install(*loggers: logging.Logger, url_map: Map | None = None) -> None:
    """Idempotent: a logger gets the filter once however many apps are created."""
    if url_map is not None:
        if url_map in _maps:
            _maps.remove(url_map)
        _maps.append(url_map)
        del _maps[:-4]
    for logger in (*(logging.getLogger(name) for name in LOGGER_NAMES), *loggers):
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)

"""Rate-limit budgets checked in one trip to the limiter's storage, and Retry-After on 429s.

Why not Flask-Limiter's decorators for the public forms: it checks each limit item with a
round trip of its own (a sign-up's "30/minute;300/day" per client and "5/minute;20/day" per
number are four) and, with its headers on, reads a window back on every answer (two more).
Against the Redis every gunicorn worker shares, those trips cost a sign-up more than its
database work. `budgets()` keeps Flask-Limiter's semantics — fixed windows in the same
storage under the same keys, items taken shortest window first, stopping at the first one
exceeded so a refused request does not eat into the longer windows — and on Redis sends them
as one script. Rate-limit headers are off (RATELIMIT_HEADERS_ENABLED); a 429 alone says when
to come back (`init_app`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from app.extensions import limiter

#: Counts each key in turn (INCRBY, EXPIRE when the window opens, as `limits` does) and stops
#: at the first one over its amount: {index (1-based, 0 = none exceeded), seconds left}.
_HIT_IN_ORDER = """
for i, key in ipairs(KEYS) do
    local current = redis.call("incrby", key, 1)
    if current == 1 then
        redis.call("expire", key, ARGV[2 * i - 1])
    end
    if current > tonumber(ARGV[2 * i]) then
        return {i, redis.call("ttl", key)}
    end
end
return {0, 0}
"""


@dataclass(frozen=True)
class Budget:
    """Flask-Limiter's shared limit: a limit string read from the config at request time, a
    scope shared by every view it decorates, and whose request it counts."""

    setting: str
    scope: str
    key_func: Callable[[], str]


def budgets(*shared: Budget, methods: Collection[str] = ("POST",)
            ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view: its requests of `methods` (POSTs: a form sent) count against every
    budget, a 429 when one is spent."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if request.method in methods and limiter.enabled:
                hit(shared)
            return view(*args, **kwargs)

        return limited

    return decorate


def hit(shared: Sequence[Budget]) -> None:
    """Count this request against the budgets; TooManyRequests with Retry-After when one is
    spent (nothing after it is counted)."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    items: list[tuple[RateLimitItem, list[str]]] = []
    for budget in shared:
        identifiers = [prefix, budget.key_func(), budget.scope] if prefix else \
            [budget.key_func(), budget.scope]
        items += [(item, identifiers) for item in _parsed(current_app.config[budget.setting])]
    items.sort(key=lambda pair: pair[0].GRANULARITY.seconds)  # stable, as Flask-Limiter's
    storage, strategy = limiter.storage, limiter.limiter
    if type(storage) is RedisStorage and isinstance(strategy, FixedWindowRateLimiter):
        exceeded, seconds = _hit_on_redis(storage, items)
    else:
        exceeded, seconds = _hit_one_by_one(strategy, items)
    if exceeded:
        g.linli_retry_after = max(int(seconds), 1)
        raise TooManyRequests(retry_after=g.linli_retry_after)


@lru_cache(maxsize=64)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _hit_on_redis(storage: RedisStorage, items: list[tuple[RateLimitItem, list[str]]]
                  ) -> tuple[int, float]:
    script = getattr(storage, "linli_hit_in_order", None)
    if script is None:
        script = storage.get_connection().register_script(_HIT_IN_ORDER)
        storage.linli_hit_in_order = script  # type: ignore[attr-defined]
    arguments: list[int] = []
    for item, _ in items:
        arguments += [item.get_expiry(), item.amount]
    keys = [storage.prefixed_key(item.key_for(*identifiers)) for item, identifiers in items]
    exceeded, seconds = script(keys, arguments)
    return int(exceeded), float(seconds)


def _hit_one_by_one(strategy: Any, items: list[tuple[RateLimitItem, list[str]]]
                    ) -> tuple[int, float]:
    for index, (item, identifiers) in enumerate(items, start=1):
        if not strategy.hit(item, *identifiers):
            return index, strategy.get_window_stats(item, *identifiers).reset_time - time.time()
    return 0, 0.0


def init_app(app: Flask) -> None:
    app.after_request(_retry_after)


def _retry_after(response: Response) -> Response:
    """Retry-After on a 429 and nowhere else: from `hit`, or from the Flask-Limiter limit the
    request broke (the login form's)."""
    if response.status_code != 429 or "Retry-After" in response.headers:
        return response
    seconds = g.get("linli_retry_after")
    if seconds is None and limiter.current_limit is not None and limiter.current_limit.breached:
        seconds = max(int(limiter.current_limit.reset_at - time.time()), 1)
    if seconds is not None:
        response.headers["Retry-After"] = str(seconds)
    return response

"""User accounts: creation, authentication with lockout, session renewal."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import Role
from app.models import Neighbourhood, Team, User, utcnow
from app.security import hash_password, password_needs_rehash, verify_password

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A refusal with a message for the user."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    email: str | None = None,
    neighbourhoods: list[Neighbourhood] | None = None,
    teams: list[Team] | None = None,
) -> User:
    username = username.strip()
    if not username:
        raise AccountError(_l("A username is required."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )
    taken = session.scalar(
        select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())
    )
    if taken:
        raise AccountError(_l("The username %(name)s is taken.", name=username))
    if role == Role.coordinator and not neighbourhoods:
        raise AccountError(_l("A coordinator needs at least one neighbourhood."))
    if role == Role.team_lead and not teams:
        raise AccountError(_l("A team lead needs at least one team."))
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=hash_password(password),
        role=role,
        neighbourhoods=list(neighbourhoods or []),
        teams=list(teams or []),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, *, max_failures: int, lock_minutes: int
) -> LoginResult:
    """Check a password; lock the account for a while after too many failures.

    The same message is given for an unknown user and a wrong password, so the login page
    does not reveal which usernames exist.
    """
    invalid = _l("Wrong username or password.")
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        return LoginResult(None, str(invalid))
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return LoginResult(None, str(_l("Too many failed attempts. Try again in a few minutes.")))
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        session.flush()
        return LoginResult(None, str(invalid))
    if not user.active:
        return LoginResult(None, str(_l("This account is disabled.")))
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()
    return LoginResult(user)


def set_password(session: Session, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )
    user.password_hash = hash_password(password)
    # Every session opened with the old password ends.
    user.session_version += 1
    session.flush()

"""User accounts: creation, authentication with lockout, session renewal."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import Role
from app.models import Department, Neighbourhood, Team, User, utcnow
from app.security import hash_password, password_needs_rehash, verify_password

MIN_PASSWORD_LENGTH = 10
#: Accounts that can see residents' data of a whole neighbourhood or the town.
PRIVILEGED_ROLES = frozenset({Role.admin, Role.coordinator, Role.department})
MIN_PRIVILEGED_PASSWORD_LENGTH = 12
#: The most used passwords (world-wide and in China) that a length rule alone lets through.
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password12", "password123", "password1234", "passw0rd",
    "p@ssw0rd", "p@ssword", "qwertyuiop", "qwertyuiop1", "1qaz2wsx3edc", "1q2w3e4r5t",
    "1q2w3e4r5t6y", "qwer1234", "qwe123456", "qwe1234567", "asdfghjkl", "asdfghjkl1",
    "zxcvbnm123", "zxcvbnmasd", "iloveyou", "iloveyou1", "iloveyou123", "woaini1314",
    "woaini520", "woaini123", "a123456789", "a1234567890", "aa123456789", "abc123456",
    "abc1234567", "abcd123456", "abcd1234567", "admin12345", "admin123456", "admin1234567",
    "administrator", "linli123456", "changeme123", "welcome123", "letmein123", "football123",
    "monkey12345", "dragon12345", "superman123", "1234qwer", "1234abcd", "abcdefghij",
    "abcdefghijk", "abcdefghijkl", "aaaaaaaaaa", "woaini5201314", "shanghai123",
    "shanghai2024", "shanghai2025", "shanghai2026", "beijing123", "zhongguo123",
})


def password_problem(password: str, *, role: Role | None = None,
                     username: str | None = None) -> LazyString | None:
    """Why the password is refused (a translated message), or None when it is acceptable.

    For everybody: at least MIN_PASSWORD_LENGTH characters, not digits only, not one
    character repeated, not a common password, not the username. Admins, coordinators and
    department handlers (who see residents' names, addresses, phones or words) need
    MIN_PRIVILEGED_PASSWORD_LENGTH characters and at least two kinds of characters (letters,
    digits, other signs).
    """
    privileged = role in PRIVILEGED_ROLES
    minimum = MIN_PRIVILEGED_PASSWORD_LENGTH if privileged else MIN_PASSWORD_LENGTH
    if len(password) < minimum:
        return _l("The password must have at least %(n)d characters.", n=minimum)
    folded = password.strip().lower()
    if (password.isdigit() or len(set(folded)) <= 2 or folded in COMMON_PASSWORDS
            or (username and username.strip().lower() in folded)):
        return _l("This password is too easy to guess (digits only, a common password or "
                  "the username). Choose a longer phrase of words, digits and signs.")
    if privileged:
        kinds = (any(c.isalpha() for c in password) + any(c.isdigit() for c in password)
                 + any(not c.isalnum() for c in password))
        if kinds < 2:
            return _l("Passwords of administrators and coordinators need at least two "
                      "kinds of characters: letters, digits, other signs.")
    return None


class AccountError(ValueError):
    """A refusal with a message for the user."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None
    #: A wrong password (or unknown user): counts towards the caller's throttle.
    failed: bool = False


_DUMMY_HASH: list[str] = []


def _dummy_verify(password: str) -> None:
    """Spend what a real verification costs, so timing does not tell whether a user exists."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
    verify_password(_DUMMY_HASH[0], password)


def generate_password() -> str:
    while True:  # token_urlsafe may, rarely, give letters only
        password = secrets.token_urlsafe(12)
        if password_problem(password, role=Role.admin) is None:
            return password


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
    department: Department | None = None,
) -> User:
    username = username.strip()
    if not username:
        raise AccountError(_l("A username is required."))
    problem = password_problem(password, role=role, username=username)
    if problem is not None:
        raise AccountError(problem)
    taken = session.scalar(
        select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())
    )
    if taken:
        raise AccountError(_l("The username %(name)s is taken.", name=username))
    if role == Role.coordinator and not neighbourhoods:
        raise AccountError(_l("A coordinator needs at least one neighbourhood."))
    if role == Role.team_lead and not teams:
        raise AccountError(_l("A team lead needs at least one team."))
    if role == Role.department and department is None:
        raise AccountError(_l("A department handler needs their department."))
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=hash_password(password),
        role=role,
        neighbourhoods=list(neighbourhoods or []),
        teams=list(teams or []),
        department_id=department.id if department is not None and role == Role.department
        else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, *, throttled: bool = False
) -> LoginResult:
    """Check a password. One message and one cost (a hash verification) for every refusal.

    An unknown user, a wrong password, a disabled account and a throttled attempt (too many
    failures from this client for this username, counted by the caller per account and IP,
    so nobody can lock someone else out) all get the same answer in the same time: the page
    reveals neither which usernames exist nor which are being throttled.
    """
    invalid = str(_l("Wrong username or password. After several failed attempts, wait a few "
                     "minutes before trying again."))
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        _dummy_verify(password)
        return LoginResult(None, invalid, failed=True)
    if throttled:
        _dummy_verify(password)
        return LoginResult(None, invalid)
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        session.flush()
        return LoginResult(None, invalid, failed=True)
    if not user.active:
        return LoginResult(None, invalid)
    now = utcnow()
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()
    return LoginResult(user)


def end_sessions(session: Session, user: User) -> None:
    """Every session of the user ends (copied cookies included): logout, password change."""
    user.session_version += 1
    session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    problem = password_problem(password, role=user.role, username=user.username)
    if problem is not None:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    # Every session opened with the old password ends.
    user.session_version += 1
    session.flush()

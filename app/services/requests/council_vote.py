"""The residents' council's vote (居民议事会表决): the options put to the meeting, the votes each
got, the abstentions, and the option adopted, checked before the step that leaves the council
writes anything (`workflow.change_status`) and recorded with it.

One shape serves both ways a council votes: a proposal voted for or against is two options
("同意搭建花架" / "不同意"), a choice among plans is one option a plan; abstentions are
counted apart. The counts go public (notice board, feeds, the request's history), never who
voted how. The option adopted is the one with the most votes; when the most are tied the
coordinator names the one the council adopted and says how it settled the tie.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CouncilVote, CouncilVoteOption, RequestChange
from app.services.personal_data import find_names, find_personal_data, personal_data_message
from app.services.requests.errors import RequestError
from app.services.text_input import control_characters_message, has_control_characters

#: Options a meeting may be asked to choose among (rows on the form).
MAX_OPTIONS = 6
MAX_LABEL = 100
#: Votes an option may get when the meeting has no list of who came to bound them.
MAX_VOTES = 10000


@dataclass(frozen=True)
class TallyOption:
    label: str
    votes: int
    adopted: bool


@dataclass(frozen=True)
class Tally:
    """A vote as it is shown: the options in the order put, their votes, the abstentions."""

    options: tuple[TallyOption, ...]
    abstentions: int

    @property
    def adopted(self) -> TallyOption:
        return next(option for option in self.options if option.adopted)

    @property
    def cast(self) -> int:
        return sum(option.votes for option in self.options) + self.abstentions


@dataclass(frozen=True)
class VoteInput:
    """The vote as the coordinator typed it: (option, votes) rows, the abstentions, and the
    number (from 1) of the row adopted, empty for the one with the most votes."""

    rows: Sequence[tuple[str | None, str | int | None]] = ()
    abstentions: str | int | None = None
    adopted: str | None = None


def _count(raw: str | int | None, label: str, field: str) -> int | None:
    """A count as typed: None when left empty; refused unless a whole number, 0 or more."""
    # Full-width digits (２７) as a Chinese input method types them count too.
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise RequestError("invalid", _l(
            "Votes are whole numbers, 0 or more: “%(label)s” has “%(typed)s”.",
            label=label, typed=text[:20]), field)
    return int(text)


def _label(raw: str | None, names: Collection[str]) -> str:
    if has_control_characters(raw):
        raise RequestError("invalid", control_characters_message(), "options")
    label = " ".join((raw or "").split())
    if len(label) > MAX_LABEL:
        raise RequestError("invalid", _l("An option has at most %(n)s characters.",
                                         n=MAX_LABEL), "options")
    found = find_personal_data(label) + find_names(label, names)
    if found:
        raise RequestError("invalid", personal_data_message(found), "options")
    return label


def check_vote(typed: VoteInput, *, present: int | None, note: str | None,
               names: Collection[str] = ()) -> Tally:
    """The vote as typed (empty rows skipped) checked against the number of representatives
    ticked as present (None: the meeting has no list) and the decision's `note` (required to
    settle a tie); an option naming one of `names` (the request's people) is refused. Writes
    nothing; refused, saying why and with the field at fault, when it does not hold."""
    options: list[tuple[str, int]] = []
    for row, (raw_label, raw_votes) in enumerate(typed.rows, start=1):
        label = _label(raw_label, names)
        votes = _count(raw_votes, label or str(row), "options")
        if not label and votes is None:
            continue
        if not label:
            raise RequestError("invalid", _l(
                "Row %(row)s has votes but no option: write the option they were for.",
                row=row), "options")
        if votes is None:
            raise RequestError("invalid", _l(
                "Give the votes “%(label)s” got (0 if none).", label=label), "options")
        if label in (name for name, _ in options):
            raise RequestError("invalid", _l(
                "“%(label)s” is put twice: each option once, please.", label=label), "options")
        options.append((label, votes))
    if len(options) < 2:
        raise RequestError("invalid", _l(
            "Write the options put to the meeting, at least two (for a proposal: for it and "
            "against it), with the votes each got."), "options")
    if len(options) > MAX_OPTIONS:
        raise RequestError("invalid", _l("At most %(n)s options, please.", n=MAX_OPTIONS),
                           "options")
    abstained = _count(typed.abstentions, gettext("Abstentions"), "abstentions") or 0
    cast = sum(votes for _, votes in options) + abstained
    if cast == 0:
        raise RequestError("invalid", _l(
            "Nobody voted: give the votes each option got."), "options")
    if present is not None and cast > present:
        raise RequestError("invalid", _l(
            "%(cast)s votes and abstentions were counted but %(present)s representatives "
            "came to the meeting: check the counts and who is ticked as present.",
            cast=cast, present=present), "options")
    if cast > MAX_VOTES:
        raise RequestError("invalid", _l("At most %(n)s votes in all, please.", n=MAX_VOTES),
                           "options")
    return Tally(options=_adopt(options, typed.adopted, note), abstentions=abstained)


def _adopt(options: list[tuple[str, int]], adopted: str | None,
           note: str | None) -> tuple[TallyOption, ...]:
    """The options with the adopted one marked: the most votes, or among the most when
    tied, the coordinator's choice with a note saying how the council settled it."""
    most = max(votes for _, votes in options)
    leading = [index for index, (_, votes) in enumerate(options) if votes == most]
    chosen = (adopted or "").strip()
    if chosen:
        try:
            pick = int(chosen) - 1
        except ValueError:
            pick = -1
        if not 0 <= pick < len(options):
            raise RequestError("invalid", _l("Choose the adopted option among those written."),
                               "adopted")
        if pick not in leading:
            raise RequestError("invalid", _l(
                "The council adopts the option with the most votes: “%(label)s” got %(n)s, "
                "“%(chosen)s” %(m)s.", label=options[leading[0]][0], n=most,
                chosen=options[pick][0], m=options[pick][1]), "adopted")
    elif len(leading) > 1:
        raise RequestError("invalid", _l(
            "The vote is tied between %(options)s: choose the option the council adopted and "
            "say in the decision how the tie was settled.",
            options="、".join(f"“{options[i][0]}”" for i in leading)), "adopted")
    else:
        pick = leading[0]
    if len(leading) > 1 and not (note or "").strip():
        raise RequestError("invalid", _l(
            "The vote is tied: say in the decision how the council settled it."),
            "council_decision")
    return tuple(TallyOption(label=label, votes=votes, adopted=index == pick)
                 for index, (label, votes) in enumerate(options))


def decision_text(tally: Tally, note: str | None) -> str:
    """The decision as posted: the option adopted, then what the coordinator added
    (conditions, how a tie was settled)."""
    label = tally.adopted.label
    if not note:
        return label
    return f"{label}{'' if label[-1] in '。.！!？?' else '。'}{note}"


def record_vote(session: Session, change: RequestChange, tally: Tally) -> CouncilVote:
    """Keep the vote with the step that left the council; flush only."""
    vote = CouncilVote(change=change, abstentions=tally.abstentions, options=[
        CouncilVoteOption(position=position, label=option.label, votes=option.votes,
                          adopted=option.adopted)
        for position, option in enumerate(tally.options, start=1)])
    session.add(vote)
    session.flush()
    return vote


def as_tally(vote: CouncilVote) -> Tally:
    return Tally(options=tuple(TallyOption(label=o.label, votes=o.votes, adopted=o.adopted)
                               for o in vote.options), abstentions=vote.abstentions)


def latest_tallies(session: Session, request_ids: Collection[int]) -> dict[int, Tally]:
    """The last council vote of each of these requests that has one, in two queries."""
    ids = sorted(set(request_ids))
    if not ids:
        return {}
    votes = session.execute(
        select(RequestChange.request_id, CouncilVote.id, CouncilVote.abstentions)
        .join(CouncilVote, CouncilVote.change_id == RequestChange.id)
        .where(RequestChange.request_id.in_(ids))
        .order_by(RequestChange.at, RequestChange.id)).all()
    last = {request_id: (vote_id, abstentions) for request_id, vote_id, abstentions in votes}
    options: dict[int, list[TallyOption]] = {}
    for o in session.scalars(select(CouncilVoteOption)
                             .where(CouncilVoteOption.vote_id.in_(
                                 [vote_id for vote_id, _ in last.values()]))
                             .order_by(CouncilVoteOption.position)):
        options.setdefault(o.vote_id, []).append(
            TallyOption(label=o.label, votes=o.votes, adopted=o.adopted))
    return {request_id: Tally(options=tuple(options.get(vote_id, ())), abstentions=abstained)
            for request_id, (vote_id, abstained) in last.items()}


def tally_text(tally: Tally) -> str:
    """The tally in one line, in the reader's language: "同意搭建花架 27票（采纳） · 不同意
    3票 · 弃权 1票"."""
    parts = []
    for option in tally.options:
        votes = ngettext("%(num)d vote", "%(num)d votes", option.votes)
        part = gettext("%(option)s: %(votes)s", option=option.label, votes=votes)
        parts.append(gettext("%(part)s (adopted)", part=part) if option.adopted else part)
    parts.append(gettext("abstentions: %(n)s", n=tally.abstentions))
    return " · ".join(parts)

"""The demo's requests as stories (`app.services.demo.requests` tells them): each a row, its
history, maybe an escalation and the raiser's answer; told up to now, then written with one
insert per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.enums import RequestStatus, SatisfactionAnswer
from app.models import (
    CouncilVote,
    CouncilVoteOption,
    RequestAnswer,
    RequestChange,
    RequestEscalation,
    ResidentRequest,
)
from app.services.requests.levels import StartingLevels

S = RequestStatus


@dataclass
class Story:
    """One request as it happened: its row, its history and what came of it."""

    row: dict
    steps: list[tuple[RequestStatus | None, RequestStatus, datetime, str | None]] = field(
        default_factory=list)
    #: When, to which level (its id), to which department, why.
    escalation: tuple[datetime, int, int, str] | None = None
    answer: tuple[datetime, SatisfactionAnswer, str | None] | None = None
    merged_into: str | None = None
    #: The coordinator who moved it (the history's "who").
    actor: tuple[int | None, str] = (None, "")
    #: The residents' council's vote, kept with the step that left the council: the options
    #: with their votes (the first adopted), and the abstentions.
    council_vote: tuple[tuple[tuple[str, int], ...], int] | None = None


def cut(story: Story, now: datetime, starts: StartingLevels) -> bool:
    """The story told up to `now`: the steps still ahead are left out, the request stays in
    the state it has reached (a recent one is still in hand, maybe overdue). False when it
    was not even raised by then."""
    if story.steps[-1][2] <= now and (
            story.answer is None or story.answer[0] <= now):
        return True
    if story.answer is not None and story.answer[0] > now:
        story.answer = None
    story.steps = [step for step in story.steps if step[2] <= now]
    if not story.steps:
        return False
    reached = story.steps[-1][1]
    row = story.row
    row.update(status=reached, updated_at=story.steps[-1][2])
    if reached == S.resolved:
        row["resolved_at"] = story.steps[-1][2]
    else:
        row.update(resolved_at=None, posted_at=None, survey_token=None, survey_sent_at=None)
        story.answer = None
    if reached != S.merged:
        story.merged_into = None
    if story.escalation is not None and story.escalation[0] > now:
        story.escalation = None
        row.update(level_id=starts.for_group(row["service_group_id"]), department_id=None)
    return True


def write(session: Session, stories: list[Story], starts: StartingLevels) -> dict[str, int]:
    """One insert per table (and one update for the merged); returns what was created."""
    if not stories:
        return {}
    session.execute(insert(ResidentRequest), [s.row for s in stories])
    codes = [s.row["reference_code"] for s in stories]
    ids = dict(session.execute(
        select(ResidentRequest.reference_code, ResidentRequest.id)
        .where(ResidentRequest.reference_code.in_(codes))).tuples().all())
    merged = [{"rid": ids[s.row["reference_code"]], "into": ids[s.merged_into]}
              for s in stories if s.merged_into in ids]
    if merged:
        session.execute(
            update(ResidentRequest.__table__)
            .where(ResidentRequest.__table__.c.id == bindparam("rid"))
            .values(merged_into_id=bindparam("into")), merged)
    changes, escalations, answers = [], [], []
    for story in stories:
        rid = ids[story.row["reference_code"]]
        for from_status, to_status, at, note in story.steps:
            # Raised and reopened by the resident; every other step by the coordinator.
            by_resident = from_status is None or from_status == S.resolved
            user_id, actor = (None, "") if by_resident else story.actor
            changes.append({"request_id": rid, "at": at, "from_status": from_status,
                            "to_status": to_status, "user_id": user_id, "actor": actor,
                            "note": note})
        if story.escalation:
            at, level, department, reason = story.escalation
            escalations.append({"request_id": rid, "at": at,
                                "from_level_id": starts.for_group(
                                    story.row["service_group_id"]),
                                "to_level_id": level, "department_id": department,
                                "user_id": story.actor[0], "actor": story.actor[1],
                                "reason": reason})
        if story.answer:
            at, answer, comment = story.answer
            answers.append({"request_id": rid, "at": at, "answer": answer,
                            "comment": comment})
    session.execute(insert(RequestChange), changes)
    votes = _write_votes(session, [(ids[s.row["reference_code"]], s.council_vote)
                                   for s in stories if s.council_vote])
    if escalations:
        session.execute(insert(RequestEscalation), escalations)
    if answers:
        session.execute(insert(RequestAnswer), answers)
    return {"resident_requests": len(stories), "request_changes": len(changes),
            "council_votes": votes,
            "request_escalations": len(escalations), "request_answers": len(answers)}


def _write_votes(session: Session, votes: list[tuple[int, tuple]]) -> int:
    """Each council vote on the step its request left the council by (none while the story
    has not reached it)."""
    written = 0
    for request_id, (options, abstentions) in votes:
        change_id = session.scalar(select(RequestChange.id).where(
            RequestChange.request_id == request_id, RequestChange.from_status == S.council))
        if change_id is None:
            continue
        session.add(CouncilVote(change_id=change_id, abstentions=abstentions, options=[
            CouncilVoteOption(position=position, label=label, votes=votes,
                              adopted=position == 1)
            for position, (label, votes) in enumerate(options, start=1)]))
        written += 1
    session.flush()
    return written

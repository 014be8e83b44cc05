"""What a project must keep: its events and organisers are of its own neighbourhood, its
period is a period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Project


class ProjectError(ValueError):
    """A project refused for a reason the user can read."""


def check_project(project: Project) -> None:
    if not (project.title or "").strip():
        raise ProjectError(str(_l("Give the project a title.")))
    if project.starts_on is None:
        raise ProjectError(str(_l("Give the date the project starts.")))
    if project.ends_on is not None and project.ends_on < project.starts_on:
        raise ProjectError(str(_l("The project cannot end before it starts.")))
    if (project.goal_events or 0) < 0 or (project.goal_participants or 0) < 0:
        raise ProjectError(str(_l("Goals cannot be negative.")))
    n = project.neighbourhood_id or (project.neighbourhood.id if project.neighbourhood else None)
    for event in project.events:
        if event.neighbourhood_id != n:
            raise ProjectError(str(_l("The event “%(title)s” is not in the project's "
                                      "neighbourhood.", title=event.title)))
    for member in project.organisers:
        if member.neighbourhood_id != n:
            raise ProjectError(str(_l("%(name)s is not a member of the project's "
                                      "neighbourhood.", name=member.name)))

"""Service projects 服务项目 (step 3 of the article): `rules` (a project's events and
organisers are its neighbourhood's; its period), `results` (the figures, defined once:
events held and participants against the goals)."""

from app.services.projects.results import PARTICIPATED, ProjectResults, project_results
from app.services.projects.rules import ProjectError, check_project

__all__ = ["PARTICIPATED", "ProjectError", "ProjectResults", "check_project",
           "project_results"]

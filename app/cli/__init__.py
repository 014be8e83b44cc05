"""`flask …` commands, one module per group, registered here. Thin: parse options, call a
service, commit, print."""

from flask import Flask

from app.cli.attendance import attendance_cli, certificates_cli, hours_cli
from app.cli.demo import demo_cli
from app.cli.feeds import feeds_cli
from app.cli.festivals import festivals_cli
from app.cli.incidents import incidents_cli
from app.cli.notifications import notifications_cli
from app.cli.packages import packages_cli
from app.cli.pairing import pairing_cli
from app.cli.patrols import patrols_cli
from app.cli.projects import projects_cli
from app.cli.report import report_cli
from app.cli.requests import requests_cli
from app.cli.schedule import events_cli, schedule_cli
from app.cli.series import series_cli
from app.cli.users import users_cli
from app.cli.visits import visits_cli


def register_cli(app: Flask) -> None:
    for group in (users_cli, demo_cli, feeds_cli, events_cli, schedule_cli, visits_cli,
                  incidents_cli, notifications_cli, hours_cli, attendance_cli,
                  certificates_cli, report_cli, requests_cli, pairing_cli, patrols_cli,
                  projects_cli, packages_cli, festivals_cli, series_cli):
        app.cli.add_command(group)

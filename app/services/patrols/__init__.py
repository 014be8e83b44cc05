"""Patrols (issue 17): `stats` (the figures — inspections, certified group inspections,
person-visits — per site, group, member and season, by SQL aggregates), `log` (the inspection
record: members present and certified on the day, checklist, who may change it, history)."""

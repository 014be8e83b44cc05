"""How many certified group inspections a site needs in a season: its own counts where it has
them (`PatrolSite.required_per_season`, `PatrolSite.min_per_week`), else the season's. The rota
plans `total` (the weekly minimum in every week raises the count when it is more,
`rota.plan_slots`); the figures measure the stated `count` (`stats.per_site`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.models import PatrolSeason


@dataclass(frozen=True)
class Requirement:
    #: Inspections over the season, as the site (or else the season) states it.
    count: int
    #: And at least this many in each of the season's `weeks`.
    per_week: int
    weeks: int

    @property
    def total(self) -> int:
        """What the rota plans: the count, or the weekly minimum in every week if more."""
        return max(self.count, self.per_week * self.weeks)


def season_weeks(season: PatrolSeason) -> list[date]:
    """The first day of each week of the season (the last week may be short)."""
    days = (season.ends_on - season.starts_on).days + 1
    return [season.starts_on + timedelta(days=7 * w) for w in range((days + 6) // 7)]


def site_requirement(season: PatrolSeason, required_per_season: int | None,
                     min_per_week: int | None) -> Requirement:
    """A site's requirement in `season` from its own counts (None: the season's)."""
    return Requirement(
        season.required_per_site if required_per_season is None else required_per_season,
        season.min_per_week if min_per_week is None else min_per_week,
        len(season_weeks(season)))

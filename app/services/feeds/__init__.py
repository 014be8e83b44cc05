"""Calendar feeds: the volunteer's, the team's, an event's and a neighbourhood's iCalendar.

Everything here is a plain function of a session and explicit settings; the feed views only
wrap the result in HTTP. Three properties matter to calendar apps and are kept on purpose:

- **Deterministic bytes.** Nothing reads the clock while rendering: DTSTAMP and LAST-MODIFIED
  come from the rows' `updated_at`, UIDs from their ids. The `now` parameter only decides which
  rows are in the feed (cancelled events stay 30 days), so two fetches with no change in
  between give the same bytes and the same ETag.
- **Cheap polling.** `*_version` answers, in one small query, a key that changes whenever the
  feed's rows change; `FeedCache` keeps the rendered bytes per feed and version.
- **Visits too.** A member's contacts of published visit rounds are in her own feed
  (`visit-<id>@host`), with whom and where but no phone, category or note; their SEQUENCE is
  derived from the row's timestamps, as visits keep no counter of their own.
- **Change tracking.** `Assignment.sequence` is raised by a `before_flush` listener whenever the
  shift's time or the event's place or status changes, whichever code path changed it (admin
  form, scheduler, CLI): a calendar app then replaces its copy instead of ignoring the update.
- **Nothing silently vanishes.** A declined or cancelled assignment and a cancelled event stay
  as STATUS:CANCELLED for 30 days; a row that is deleted or moves out of a feed (another
  volunteer, another team) leaves a `FeedTombstone` (`tombstones.py`), shown the same way with
  SEQUENCE one higher, and counted in the feed's version so Last-Modified and the ETag move.
- **UIDs** are `<kind>-<id>@<LINLI_DEPLOYMENT_ID>`: not the URL's host, so two deployments
  never collide and a new address re-creates nothing.
"""

from app.services.feeds.base import (
    CANCELLED_VISIBLE,
    FEED_STATUSES,
    HISTORY,
    WITHDRAWN,
    FeedKind,
    FeedSettings,
    FeedVersion,
    RenderedFeed,
    rotate_team_token,
    rotate_volunteer_token,
)
from app.services.feeds.cache import (
    FeedCache,
    known_volunteer_feed,
    public_feed,
    team_feed,
    volunteer_feed,
)
from app.services.feeds.render import (
    build_assignment_file,
    build_public_feed,
    build_team_feed,
    build_volunteer_feed,
)
from app.services.feeds.sequences import bump_sequences, bump_sequences_for_changes
from app.services.feeds.tombstones import (
    purge_tombstones,
    record_bulk_tombstones,
    record_tombstones,
)
from app.services.feeds.versions import (
    public_feed_version,
    record_feed_fetch,
    team_feed_version,
    volunteer_feed_version,
)

__all__ = [
    "CANCELLED_VISIBLE",
    "FEED_STATUSES",
    "HISTORY",
    "WITHDRAWN",
    "FeedCache",
    "FeedKind",
    "FeedSettings",
    "FeedVersion",
    "RenderedFeed",
    "build_assignment_file",
    "build_public_feed",
    "build_team_feed",
    "build_volunteer_feed",
    "bump_sequences",
    "bump_sequences_for_changes",
    "known_volunteer_feed",
    "public_feed",
    "public_feed_version",
    "purge_tombstones",
    "record_bulk_tombstones",
    "record_feed_fetch",
    "record_tombstones",
    "rotate_team_token",
    "rotate_volunteer_token",
    "team_feed",
    "team_feed_version",
    "volunteer_feed",
    "volunteer_feed_version",
]

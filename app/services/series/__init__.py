"""Repeat rules for events and shifts: `rules` (a series' days, expanded by dateutil.rrule
against the holiday calendar; pure), `generation` (occurrences as real events over a rolling
horizon, idempotent; a series edit applied to its future occurrences with the people on them
told), `exceptions` (one occurrence edited or removed on its own), `listing` (the series and
their next days for the admin's preview and the CLI)."""

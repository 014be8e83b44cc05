"""Auto-scheduling: from rows to the engine and back, and what coordinators and volunteers do
with the result.

- `bridge`: rows → `scheduling.Problem`, solution → draft assignments; `availability` turns
  weekly windows into free intervals; `eligibility` asks the engine about one seat (hand edits,
  re-fills, help requests), so the rules are the run's.
- `runs`: a run's life — create, claim, execute (the huey task's body) with a heartbeat,
  stale-run detection.
- `review`: what the run page shows — coverage, unfilled seats with reasons, load, diff.
- `drafts`: the coordinator's edits of a run's drafts — pin, assign by hand, remove.
- `publish`: drafts become assignments volunteers are asked to confirm; cancellations and
  changes after publishing.
- `seats`: a volunteer's answer, and filling one seat after a decline or by asking for help.
- `errors`, `text`: the refusal type, and how a shift is written in pages and mails.
"""

"""Deterministic greedy: scarcest, most valuable seat first; always feasible.

Seats below a shift's minimum are filled first (highest priority first, then the shifts with the
fewest eligible volunteers), then the remaining seats up to max. Each seat goes to the feasible
volunteer with the best secondary score, preferring volunteers with few other options so the
flexible ones stay free for later seats. The result is maximal: no empty seat has a free,
eligible volunteer left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from scheduling.deadline import Deadline
from scheduling.eligibility import FAIRNESS_STEP, Index

FLEX_PENALTY = 1
FLEX_CAP = 30


class State:
    """Incremental bookkeeping of a partial assignment, used by greedy, fill-up and explain."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.chosen: set[int] = set()
        self.shift_count = [0] * len(index.shifts)
        self.vol_shifts: list[list[int]] = [[] for _ in index.volunteers]
        self.week_minutes: dict[tuple[int, int], int] = defaultdict(int)
        self.week_count: dict[tuple[int, int], int] = defaultdict(int)

    def capped(self, p: int) -> bool:
        ix = self.index
        v, s = ix.pair_v[p], ix.pair_s[p]
        key = (v, ix.s_week[s])
        return (
            self.week_count[key] + 1 > ix.shift_cap(*key)
            or self.week_minutes[key] + ix.s_minutes[s] > ix.minute_cap(*key)
        )

    def blockers(self, p: int) -> list[int]:
        """Shifts already booked by this volunteer that conflict with the pair's shift."""
        ix = self.index
        s = ix.pair_s[p]
        return [t for t in self.vol_shifts[ix.pair_v[p]] if t != s and ix.conflict(s, t)]

    def feasible(self, p: int) -> bool:
        ix = self.index
        s = ix.pair_s[p]
        if p in self.chosen or self.shift_count[s] >= ix.shifts[s].max_count:
            return False
        if self.capped(p):
            return False
        return not any(ix.conflict(s, t) for t in self.vol_shifts[ix.pair_v[p]])

    def add(self, p: int) -> None:
        ix = self.index
        v, s = ix.pair_v[p], ix.pair_s[p]
        self.chosen.add(p)
        self.shift_count[s] += 1
        self.vol_shifts[v].append(s)
        key = (v, ix.s_week[s])
        self.week_minutes[key] += ix.s_minutes[s]
        self.week_count[key] += 1

    def remove(self, p: int) -> None:
        ix = self.index
        v, s = ix.pair_v[p], ix.pair_s[p]
        self.chosen.discard(p)
        self.shift_count[s] -= 1
        self.vol_shifts[v].remove(s)
        key = (v, ix.s_week[s])
        self.week_minutes[key] -= ix.s_minutes[s]
        self.week_count[key] -= 1

    def try_add_all(self, pairs: Iterable[int]) -> None:
        for p in pairs:
            if self.feasible(p):
                self.add(p)


def _marginal_fairness(load: int) -> int:
    """Cost of one more shift for a volunteer who has ``load`` (see eligibility.load_penalty)."""
    return FAIRNESS_STEP * load


def _fill(state: State, order: list[int], target: list[int]) -> None:
    """Fill the shifts in ``order`` up to ``target``; each seat goes to the feasible volunteer
    with the best (continuity, secondary score - load penalty - flexibility) key, ties to the
    smallest id. Feasibility is only checked for a candidate that would beat the best so far."""
    ix = state.index
    flex = [FLEX_PENALTY * min(len(pv), FLEX_CAP) for pv in ix.pairs_of_vol]
    for s in order:
        while state.shift_count[s] < target[s]:
            best = None
            best_key: tuple[bool, int] | None = None
            best_id = ""
            for p in ix.pairs_of_shift[s]:
                v = ix.pair_v[p]
                key = (
                    ix.pair_cont[p],
                    ix.pair_score[p] - _marginal_fairness(len(state.vol_shifts[v])) - flex[v],
                )
                if best_key is not None and (
                    key < best_key or (key == best_key and ix.volunteers[v].id > best_id)
                ):
                    continue
                if not state.feasible(p):
                    continue
                best, best_key, best_id = p, key, ix.volunteers[v].id
            if best is None:
                break
            state.add(best)


def greedy(index: Index, start: Iterable[int] = ()) -> State:
    """Run the greedy; ``start`` pairs (e.g. previous assignments) are kept first if feasible."""
    state = State(index)
    for p in index.pinned:
        state.add(p)
    state.try_add_all(start)
    shifts = index.shifts

    def order_key(s: int) -> tuple[int, int, int, str]:
        return (-shifts[s].priority, len(index.pairs_of_shift[s]), index.s_start[s], shifts[s].id)

    order = sorted(range(len(shifts)), key=order_key)
    _fill(state, order, [min(s.min_count, s.max_count) for s in shifts])
    _fill(state, order, [s.max_count for s in shifts])
    return state


def fill_up(index: Index, pairs: Iterable[int]) -> State:
    """Complete a feasible assignment to a maximal one (used after a time-limited CP-SAT run);
    the pins come first, whatever ``pairs`` holds."""
    state = State(index)
    for p in index.pinned:
        state.add(p)
    state.try_add_all(pairs)
    shifts = index.shifts
    order = sorted(
        range(len(shifts)),
        key=lambda s: (-shifts[s].priority, len(index.pairs_of_shift[s]), shifts[s].id),
    )
    _fill(state, order, [s.max_count for s in shifts])
    return state


def prefer_paired(state: State) -> int:
    """A care visit goes to its paired volunteer whenever she can have it: a stand-in who is
    not pinned gives the seat back (a stranger before someone the household knows), and when
    one other shift of hers (not a visit she is paired with, not pinned) is in the way, she
    hands it to someone free for it. Every shift keeps its headcount, so the weighted fill is
    unchanged, and continuity never drops (the paired volunteer is known to the household).
    Fairness never outweighs a pairing. Returns the number of visits handed back."""
    ix = state.index
    pinned = set(ix.pinned)
    moved = 0
    for s, shift in enumerate(ix.shifts):
        v = ix.v_pos.get(shift.paired) if shift.paired else None
        p = ix.pair_of.get((v, s)) if v is not None else None
        if p is None or p in state.chosen:
            continue
        undo: list[tuple[str, int]] = []
        blocking = state.blockers(p)
        if blocking and not _hand_over(state, p, blocking, pinned, undo):
            continue
        if state.capped(p) or state.blockers(p):
            _undo(state, undo)
            continue
        if state.shift_count[s] >= shift.max_count:
            held = [q for q in ix.pairs_of_shift[s] if q in state.chosen and q not in pinned]
            if not held:
                _undo(state, undo)
                continue
            state.remove(min(held, key=lambda q: (ix.pair_cont[q], ix.pair_score[q], q)))
        state.add(p)
        moved += 1
    return moved


def _hand_over(state: State, p: int, blocking: list[int], pinned: set[int],
               undo: list[tuple[str, int]]) -> bool:
    """Free the volunteer of pair `p` from the one shift in its way, giving her seat there to
    someone free for it; False (nothing changed) when that is not possible."""
    ix = state.index
    if len(blocking) != 1:
        return False
    t = blocking[0]
    v = ix.pair_v[p]
    q = ix.pair_of.get((v, t))
    if q is None or q in pinned or ix.shifts[t].paired == ix.volunteers[v].id:
        return False
    state.remove(q)
    undo.append(("add", q))
    taker = next((r for r in ix.pairs_of_shift[t] if r != q and state.feasible(r)), None)
    if taker is None:
        _undo(state, undo)
        return False
    state.add(taker)
    undo.append(("remove", taker))
    return True


def _undo(state: State, undo: list[tuple[str, int]]) -> None:
    for op, pair in reversed(undo):
        if op == "add":
            state.add(pair)
        else:
            state.remove(pair)
    undo.clear()


def improve_secondary(
    index: Index,
    pairs: Iterable[int],
    rounds: int = 5,
    *,
    deadline: Deadline | None = None,
    reserve: float = 0.0,
) -> State:
    """Fill-preserving local search, lexicographic on (continuity, secondary score - load
    penalty): replace the volunteer of an assignment by another eligible, free volunteer when
    that raises continuity, or keeps it and raises the rest (e.g. a nearer or less loaded
    person); and give a household's earlier volunteer back their visit when another shift they
    hold can be handed to someone free (``_continuity_chains``). Pins and the headcount of every
    shift are unchanged, so the weighted fill is exactly preserved. Stops at ``deadline`` minus
    ``reserve`` (the result is valid whenever it stops)."""
    state = State(index)
    state.try_add_all(pairs)
    pinned = set(index.pinned)
    score = index.pair_score
    cont = index.pair_cont
    for _ in range(rounds):
        improved = _continuity_chains(state, pinned, deadline, reserve)
        for k, p in enumerate(sorted(state.chosen)):
            if deadline is not None and k % 64 == 0 and deadline.expired(reserve):
                return state
            if p in pinned or p not in state.chosen:
                continue
            v = index.pair_v[p]
            s = index.pair_s[p]
            load_v = len(state.vol_shifts[v])
            # Value lost by removing p (its score and v's marginal load penalty).
            lose = score[p] - _marginal_fairness(load_v - 1)
            best, best_gain = -1, (0, 0)
            for q in index.pairs_of_shift[s]:
                if q == p or q in state.chosen:
                    continue
                u = index.pair_v[q]
                gain = (
                    cont[q] - cont[p],
                    score[q] - _marginal_fairness(len(state.vol_shifts[u])) - lose,
                )
                if gain <= best_gain:
                    continue
                if state.capped(q) or any(index.conflict(s, t) for t in state.vol_shifts[u]):
                    continue
                best, best_gain = q, gain
            if best >= 0:
                state.remove(p)
                state.add(best)
                improved = True
        if not improved:
            break
    return state


def _continuity_chains(
    state: State, pinned: set[int], deadline: Deadline | None, reserve: float
) -> bool:
    """For each seat of a household shift held by a stranger while one of the household's
    earlier volunteers u is eligible but busy: free u (hand u's blocking shifts to other free
    volunteers, possibly the stranger) and give u the seat. Fill never drops: every blocking
    assignment is replaced before u moves, else everything is undone."""
    ix = state.index
    improved = False
    for p in sorted(state.chosen):
        if deadline is not None and deadline.expired(reserve):
            break
        if p not in state.chosen or ix.pair_cont[p] or p in pinned:
            continue
        s = ix.pair_s[p]
        for q in ix.pairs_of_shift[s]:
            if not ix.pair_cont[q] or q in state.chosen:
                continue
            if _chain(state, p, q, pinned):
                improved = True
                break
    return improved


def _chain(state: State, p: int, q: int, pinned: set[int]) -> bool:
    """Try to swap stranger pair ``p`` for continuity pair ``q`` of the same shift, moving
    q's volunteer off at most two blocking shifts; True (and applied) on success."""
    ix = state.index
    s, u = ix.pair_s[q], ix.pair_v[q]
    blocking = [
        b
        for t in state.vol_shifts[u]
        if (b := ix.pair_of[(u, t)]) is not None
        and (ix.conflict(s, t) or ix.s_week[t] == ix.s_week[s])
    ]
    # Everything u holds in the shift's week may be what keeps u at the weekly cap; only the
    # overlapping ones must go. Try the overlapping ones first, then (if capped) one more.
    must = [b for b in blocking if ix.conflict(s, ix.pair_s[b])]
    if len(must) > 2 or any(b in pinned or ix.pair_cont[b] for b in must):
        return False
    undo: list[tuple[str, int]] = []

    def do(op: str, pair: int) -> None:
        (state.add if op == "add" else state.remove)(pair)
        undo.append((op, pair))

    def rollback() -> None:
        for op, pair in reversed(undo):
            (state.remove if op == "add" else state.add)(pair)

    do("remove", p)
    for b in must:
        do("remove", b)
    if state.capped(q):
        extra = [b for b in blocking if b not in must and b not in pinned and not ix.pair_cont[b]]
        if not extra:
            rollback()
            return False
        do("remove", extra[0])
        must = [*must, extra[0]]
    if not state.feasible(q):
        rollback()
        return False
    do("add", q)
    for b in must:
        t = ix.pair_s[b]
        for r in ix.pairs_of_shift[t]:
            if ix.pair_v[r] != u and state.feasible(r):
                do("add", r)
                break
        else:
            rollback()
            return False
    return True

"""The in-memory nearby-search index: a uniform grid over numpy arrays.

Why a grid and not an R-tree: every query is "the k nearest points around one place"
with filters (amenity bitmask, kind, open now). A grid of ~1 km cells answers it by
looking at rings of cells around the query until the k-th best candidate is nearer
than the ring's edge; filters are numpy vector operations on the candidates, and the
opening-hours test runs only on candidates in distance order until k are found.
shapely's STRtree answers nearest-geometry queries but not "nearest k that pass a
filter", which would force over-fetching and re-querying.

Consistency across app processes: every change that matters (position saved, status,
closures, stars) changes the index's ``core.Generation`` row in the same transaction.
A query reads that one row (one raw primary-key SELECT, not an ORM query: the ORM's
version check cost three times the search itself) at most every ``CHECK_SECONDS`` and
rebuilds the index when it differs; the process that made a change re-checks at once.
So another process answers from data at most ``CHECK_SECONDS`` older than the last
committed change, and the changing process never does.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import connection, transaction

from gonghui.core import generations
from gonghui.core.models import Generation
from gonghui.stations import hours as hours_mod
from gonghui.stations.choices import Kind, Status
from gonghui.stations.models import Closure, Position

CELL_DEG = 0.01  # ~1.1 km north-south, ~0.85 km east-west at Beijing's latitude
EARTH_R = 6371008.8
KIND_CODES = {k: i for i, k in enumerate(Kind.values)}


INDEX_KEY = "stations"  # the index's core.Generation row
CHECK_SECONDS = 0.25  # how stale another process's answers may be after a change
_local_indexes: weakref.WeakSet[StationIndex] = weakref.WeakSet()


def bump_version() -> None:
    """Mark the index stale for every process (call inside the writing transaction);
    this process's indexes re-check on their next query."""
    generations.bump(INDEX_KEY)
    for idx in list(_local_indexes):
        idx.recheck()


def current_version() -> int:
    """Read the version row with one raw statement (0 when it does not exist yet)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {Generation._meta.db_table} WHERE key = %s", [INDEX_KEY])  # noqa: S608 - our own table name
        row = cursor.fetchone()
    return row[0] if row else 0


@dataclass(frozen=True)
class Hit:
    id: int
    distance_m: float
    row: int


@dataclass
class Snapshot:
    """The arrays of one index build (read-only once built)."""

    version: int
    ids: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    mask: np.ndarray
    kind: np.ndarray
    in_service: np.ndarray
    schedules: list
    cells: dict[tuple[int, int], np.ndarray]
    # Per row: (name, address, stars, amenities): what a search answer shows, so that
    # answering needs no query beyond the version check.
    meta: list = field(default_factory=list)

    @classmethod
    def empty(cls, version: int) -> Snapshot:
        z = np.zeros(0)
        return cls(
            version,
            z.astype(np.int64),
            z,
            z,
            z.astype(np.int64),
            z.astype(np.int8),
            z.astype(bool),
            [],
            {},
        )


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lng / CELL_DEG))


def build_arrays(version: int, rows: list[tuple], closures: dict[int, list]) -> Snapshot:
    """Build a snapshot from (id, lat, lng, mask, kind, status, hours, holidays[, name,
    address, stars, amenities]) rows."""
    n = len(rows)
    if not n:
        return Snapshot.empty(version)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    lat = np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
    lng = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
    mask = np.fromiter((r[3] for r in rows), dtype=np.int64, count=n)
    kind = np.fromiter((KIND_CODES[r[4]] for r in rows), dtype=np.int8, count=n)
    in_service = np.fromiter((r[5] == Status.OPEN for r in rows), dtype=bool, count=n)
    compiled: dict[tuple, hours_mod.Schedule] = {}
    schedules = []
    for r in rows:
        key = (repr(r[6]), r[7], tuple(closures.get(r[0], ())))
        sched = compiled.get(key)
        if sched is None:
            sched = hours_mod.Schedule.build(
                r[6], closed_on_holidays=r[7], closures=closures.get(r[0], ())
            )
            compiled[key] = sched
        schedules.append(sched)
    cell_lat = np.floor(lat / CELL_DEG).astype(np.int64)
    cell_lng = np.floor(lng / CELL_DEG).astype(np.int64)
    order = np.lexsort((cell_lng, cell_lat))
    keys = np.stack([cell_lat[order], cell_lng[order]], axis=1)
    cells: dict[tuple[int, int], np.ndarray] = {}
    if n:
        change = np.nonzero(np.any(np.diff(keys, axis=0) != 0, axis=1))[0] + 1
        bounds = np.concatenate([[0], change, [n]])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            cells[(int(keys[a, 0]), int(keys[a, 1]))] = order[a:b]
    meta = [tuple(r[8:12]) if len(r) >= 12 else ("", "", 0, []) for r in rows]
    return Snapshot(version, ids, lat, lng, mask, kind, in_service, schedules, cells, meta)


def load_snapshot() -> Snapshot:
    """Read every position that is not closed for good into a fresh snapshot."""
    with transaction.atomic():
        version = current_version()
        rows = list(
            Position.objects.exclude(status=Status.CLOSED)
            .order_by("pk")
            .values_list(
                "id",
                "lat",
                "lng",
                "amenity_mask",
                "kind",
                "status",
                "hours",
                "closed_on_holidays",
                "name",
                "address",
                "stars",
                "amenities",
            )
        )
        closures: dict[int, list] = {}
        for pid, start, end in Closure.objects.values_list("position_id", "start", "end"):
            closures.setdefault(pid, []).append((start, end))
    return build_arrays(version, rows, closures)


def _haversine(lat0: float, lng0: float, lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
    p0, p = math.radians(lat0), np.radians(lat)
    dp = p - p0
    dl = np.radians(lng - lng0)
    h = np.sin(dp / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    return 2 * EARTH_R * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _ring_cells(center: tuple[int, int], r: int):
    ci, cj = center
    if r == 0:
        yield center
        return
    for dj in range(-r, r + 1):
        yield (ci - r, cj + dj)
        yield (ci + r, cj + dj)
    for di in range(-r + 1, r):
        yield (ci + di, cj - r)
        yield (ci + di, cj + r)


class StationIndex:
    """One process's index; ``nearest`` refreshes it when the version row has moved."""

    def __init__(
        self,
        *,
        check_every: float = CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        local: bool = True,
    ) -> None:
        """``local=False`` stands for an index in another process: a change made here
        reaches it only through the version row (the tests use it)."""
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._checked = -math.inf
        self.check_every, self._clock = check_every, clock
        self.builds = 0
        if local:
            _local_indexes.add(self)

    def recheck(self) -> None:
        self._checked = -math.inf

    def snapshot(self) -> Snapshot:
        snap = self._snapshot
        now = self._clock()
        if snap is not None and now - self._checked < self.check_every:
            return snap
        version = current_version()
        if snap is None or snap.version != version:
            with self._lock:
                snap = self._snapshot
                if snap is None or snap.version != version:
                    snap = load_snapshot()
                    self._snapshot = snap
                    self.builds += 1
        self._checked = now
        return snap

    def nearest(
        self,
        lat: float,
        lng: float,
        *,
        required_mask: int = 0,
        kinds: list[str] | None = None,
        open_at: datetime | None = None,
        radius_m: float = 5000,
        limit: int = 10,
        snapshot: Snapshot | None = None,
    ) -> list[Hit]:
        """Return up to ``limit`` positions nearest to a GCJ-02 point, nearest first.

        ``required_mask``: all these amenity bits; ``open_at``: only those open then.
        """
        snap = snapshot or self.snapshot()
        if not len(snap.ids):
            return []
        local = hours_mod.local(open_at) if open_at is not None else None
        kind_codes = np.array([KIND_CODES[k] for k in kinds], dtype=np.int8) if kinds else None
        center = _cell(lat, lng)
        # The nearest a point in ring r can be: r-1 full cells away in the narrower axis.
        cell_m = CELL_DEG * math.pi / 180 * EARTH_R * math.cos(math.radians(min(abs(lat), 89)))
        max_ring = int(radius_m / cell_m) + 2
        found: list[Hit] = []
        seen_rows: list[np.ndarray] = []
        pending: list[tuple[float, int]] = []  # (distance, row) that passed filters, not yet taken
        for r in range(max_ring + 1):
            parts = [snap.cells[c] for c in _ring_cells(center, r) if c in snap.cells]
            if parts:
                rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
                ok = snap.in_service[rows] if local is not None else np.ones(len(rows), bool)
                if required_mask:
                    ok &= (snap.mask[rows] & required_mask) == required_mask
                if kind_codes is not None:
                    ok &= np.isin(snap.kind[rows], kind_codes)
                rows = rows[ok]
                if len(rows):
                    dist = _haversine(lat, lng, snap.lat[rows], snap.lng[rows])
                    keep = dist <= radius_m
                    pending.extend(zip(dist[keep].tolist(), rows[keep].tolist(), strict=True))
                    seen_rows.append(rows)
            # Everything nearer than this ring's inner edge has been seen.
            safe = r * cell_m
            pending.sort()
            while pending and (pending[0][0] <= safe or r == max_ring) and len(found) < limit:
                d, row = pending.pop(0)
                if local is not None and not snap.schedules[row].open_at(local):
                    continue
                found.append(Hit(int(snap.ids[row]), d, row))
            if len(found) >= limit:
                break
        return found


def brute_force(
    snap: Snapshot,
    lat: float,
    lng: float,
    *,
    required_mask: int = 0,
    kinds: list[str] | None = None,
    open_at: datetime | None = None,
    radius_m: float = 5000,
    limit: int = 10,
) -> list[Hit]:
    """The same answer by scanning every position in Python (benchmark and test oracle)."""
    local = hours_mod.local(open_at) if open_at is not None else None
    codes = {KIND_CODES[k] for k in kinds} if kinds else None
    from gonghui.core.coords import distance_m

    hits = []
    for row in range(len(snap.ids)):
        if required_mask and (int(snap.mask[row]) & required_mask) != required_mask:
            continue
        if codes is not None and int(snap.kind[row]) not in codes:
            continue
        if local is not None and not (snap.in_service[row] and snap.schedules[row].open_at(local)):
            continue
        d = distance_m(lat, lng, float(snap.lat[row]), float(snap.lng[row]))
        if d <= radius_m:
            hits.append(Hit(int(snap.ids[row]), d, row))
    hits.sort(key=lambda h: (h.distance_m, h.id))
    return hits[:limit]


index = StationIndex()

"""Live sharing under load: N clients x M edits against one plan on a PostgreSQL server.

    .venv/bin/python benchmarks/bench_sharing.py [--clients 10] [--edits 200] [--units 400] [--postgres URL]

Each client is a thread with its own connections (a SharedSession: listener, heartbeat, commits). Client i owns
units of its own and, edit after edit, moves one of them to another territory and commits at once, so nothing
conflicts. At the end every client must hold every change (the change log has clients x edits entries, none lost
or doubled) and the same plan (the ``check --json`` documents of all clients and of a fresh load are equal).
Printed: the figures, including the median and p99 time from a commit to the moment another client applied it.
Figures only: nothing here passes or fails (the test suite runs a small version with assertions).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

from territory_planner.domain import BASELINE, Allocation, Layer, Plan, Scenario, Seller, Territory, evaluate
from territory_planner.domain import commands as c
from territory_planner.domain.signoff import status_document
from territory_planner.persistence import load_plan, plan_target, save_plan
from territory_planner.services.reporting import report_to_dict
from territory_planner.services.sharing import SharedSession


def load_plan_for(units: int, territories: int = 20) -> Plan:
    """A plan of ``units`` units (no geometry: sharing never touches it) in ``territories`` territories."""
    ids = [f"{i:05d}" for i in range(units)]
    frame = pd.DataFrame({"name": ids, "potential": np.full(units, 1000.0)}, index=pd.Index(ids, name="unit_id"))
    layer = Layer("Load units", frame, "EPSG:4326", "unit", None, None, "potential")
    base = Scenario(BASELINE)
    names = [f"T{i:02d}" for i in range(territories)]
    for i, name in enumerate(names):
        base.territories[name] = Territory(name, None, f"#00{i:02d}00")
        base.sellers[f"Seller {name}"] = Seller(f"Seller {name}", name, "existing", None, 0, 400_000.0, 90_000.0)
        base.allocations[("territory", name)] = Allocation("territory", name, 900_000.0, 5_000.0)
    base.assignment = {u: names[i % territories] for i, u in enumerate(ids)}
    return Plan("Load test", layer, {BASELINE: base})


def _document(session_plan: Plan) -> dict[str, Any]:
    return report_to_dict(evaluate(session_plan.scenario(), session_plan.layer)) | status_document(session_plan)


def run_load(url: str, clients: int, edits: int, units: int, plan_key: str | None = None) -> dict[str, Any]:
    """Run the load and return the figures (see the module docstring); removes nothing (the caller cleans up)."""
    key = plan_key or f"bench-sharing-{uuid.uuid4().hex[:8]}"
    target = plan_target(url, plan_key=key)
    plan = load_plan_for(units)
    territories = list(plan.scenario().territories)
    save_plan(plan, target)
    per_client = units // clients
    sessions = [SharedSession(target, f"Client {i}", heartbeat_seconds=2.0).start() for i in range(clients)]
    for s in sessions:
        s.wait_connected(30)
    committed_at: dict[int, float] = {}
    errors: list[BaseException] = []
    expected: dict[str, str] = {}
    barrier = threading.Barrier(clients)

    def work(i: int, session: SharedSession) -> None:
        try:
            barrier.wait()
            own = [f"{u:05d}" for u in range(i * per_client, (i + 1) * per_client)]
            for k in range(edits):
                unit = own[k % len(own)]
                territory = territories[(i + k + 1) % len(territories)]
                session.apply(c.AssignUnits.to(BASELINE, [unit], territory, "unit"))
                for change in session.commit():
                    committed_at[change.sequence or 0] = time.monotonic()
                expected[unit] = territory
        except BaseException as exc:
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = clients * edits
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(s.plan.governance.last_sequence() < total for s in sessions):
        time.sleep(0.01)
    converged_after = time.perf_counter() - started - elapsed
    latencies = []
    for s in sessions:
        own = {e.sequence for e in s.plan.governance.log if e.client == s.client}
        for sequence, seen in s.seen_at.items():
            if sequence not in own and sequence in committed_at:
                latencies.append(max(0.0, seen - committed_at[sequence]))
    fresh = load_plan(target)
    documents = []
    for s in sessions:
        with s.lock:
            documents.append(_document(s.plan))
    stored = [e.sequence for e in fresh.governance.log]
    lost = sum(1 for unit, territory in expected.items() if fresh.scenario().assignment.get(unit) != territory)
    for s in sessions:
        s.close()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else float("nan")
    return {
        "plan_key": key,
        "clients": clients,
        "edits_per_client": edits,
        "units": units,
        "errors": [repr(e) for e in errors],
        "log_entries": len(stored),
        "log_is_1_to_n": stored == list(range(1, total + 1)),
        "lost_edits": lost,
        "all_clients_equal": all(d == documents[0] for d in documents),
        "clients_equal_server": documents[0] == _document(fresh),
        "seconds": elapsed,
        "converged_seconds_after": converged_after,
        "commits_per_second": total / elapsed if elapsed else float("nan"),
        "seen_samples": len(latencies),
        "median_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * p99,
        "max_ms": 1000 * latencies[-1] if latencies else float("nan"),
    }


def remove_plan(url: str, key: str) -> None:
    from sqlalchemy import create_engine, delete
    from sqlalchemy.pool import NullPool

    from territory_planner.persistence import tables as t

    engine = create_engine(plan_target(url, plan_key=key).sqlalchemy_url(), poolclass=NullPool)
    with engine.begin() as connection:
        for table in (t.change, t.presence, t.display_cache, *t.PLAN_TABLES, t.plan):
            connection.execute(delete(table).where(table.c.plan_key == key))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--postgres", default=os.environ.get("TP_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    if not args.postgres:
        sys.exit("Give a PostgreSQL database with --postgres URL or TP_TEST_POSTGRES_URL.")
    figures = run_load(args.postgres, args.clients, args.edits, args.units)
    try:
        for name, value in figures.items():
            print(f"{name:>26}: {value:.1f}" if isinstance(value, float) else f"{name:>26}: {value}")
    finally:
        remove_plan(args.postgres, figures["plan_key"])


if __name__ == "__main__":
    main()

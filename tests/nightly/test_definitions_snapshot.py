"""A snapshot of the code location: asset keys, groups, dependencies, checks, jobs, schedules and
sensors. An accidental lineage change fails here. After an intended change, regenerate with

    MOPS_UPDATE_SNAPSHOT=1 .venv/bin/pytest tests/nightly/test_definitions_snapshot.py

and commit `tests/nightly/definitions_snapshot.json` with the change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("definitions_snapshot.json")
GROUPS = {"ingest", "staging", "intermediate", "marts", "publish"}


def snapshot() -> dict[str, Any]:
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "kinds": sorted(node.kinds),
            "owners": sorted(node.owners),
        }
    checks = sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    repository = defs.get_repository_def()
    return {
        "assets": assets,
        "checks": checks,
        "jobs": sorted(n for n in repository.job_names if not n.startswith("__")),
        "schedules": {
            s.name: {"job": s.job_name, "cron": s.cron_schedule, "status": s.default_status.value}
            for s in repository.schedule_defs
        },
        "sensors": {
            s.name: {"jobs": sorted(j.name for j in s.jobs), "status": s.default_status.value}
            for s in repository.sensor_defs
        },
    }


def test_definitions_match_the_snapshot() -> None:
    current = snapshot()
    if os.environ.get("MOPS_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text()), (
        "the definitions changed; if intended, regenerate with MOPS_UPDATE_SNAPSHOT=1"
    )


def test_every_asset_is_described_grouped_owned_kinded_and_linked() -> None:
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    problems = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        checks = {
            "group": node.group_name in GROUPS,
            "description": bool(node.description),
            "owners": bool(node.owners),
            "kinds": bool(node.kinds),
            "code_references": "dagster/code_references" in node.metadata,
        }
        problems |= {
            f"{problem}:{key.to_user_string()}" for problem, ok in checks.items() if not ok
        }
    assert problems == set()


def test_raw_assets_have_freshness_policies_and_the_schedule_zone_is_configurable(
    monkeypatch: Any,
) -> None:
    from pipeline.definitions import defs
    from pipeline.defs.nightly import schedule_timezone

    graph = defs.resolve_asset_graph()
    raw = [k for k in graph.get_all_asset_keys() if graph.get(k).group_name == "ingest"]
    raw = [k for k in raw if k.path[0] == "raw" and k.path[1] != "meta"]  # meta: ingest logs
    assert raw and all(graph.get(k).freshness_policy is not None for k in raw)
    monkeypatch.delenv("MOPS_SCHEDULE_TIMEZONE", raising=False)
    assert schedule_timezone() == "UTC"
    monkeypatch.setenv("MOPS_SCHEDULE_TIMEZONE", "Europe/Paris")
    assert schedule_timezone() == "Europe/Paris"

"""`dagster dev` on a free loopback port serves the whole asset graph, checks, jobs, schedule and
sensor over GraphQL (a real process, stopped by killing its process group)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
QUERY = """
{
  assetNodes {
    assetKey { path }
    groupName
    assetChecksOrError { ... on AssetChecks { checks { name } } }
  }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes { name jobs { name } schedules { name } sensors { name } }
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _graphql(port: int, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]  # type: ignore[no-any-return]


def _wait(port: int, process: subprocess.Popen[bytes], seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "dagster dev exited"
        try:
            data = _graphql(port, QUERY)
            if data["assetNodes"]:
                return data
        except (urllib.error.URLError, ConnectionError, KeyError, TimeoutError):
            pass
        time.sleep(1)
    raise AssertionError(f"dagster dev did not answer within {seconds} s")


def test_dagster_dev_serves_groups_assets_checks_jobs_schedule_and_sensor(tmp_path: Path) -> None:
    from tests.nightly.test_definitions_snapshot import snapshot

    expected = snapshot()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    dagster = Path(sys.executable).parent / "dagster"
    env = {**os.environ, "DAGSTER_HOME": str(home), "MOPS_WAREHOUSE": str(tmp_path / "w.duckdb")}
    log = (tmp_path / "dev.log").open("wb")
    process = subprocess.Popen(
        [str(dagster), "dev", "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        data = _wait(port, process, 120)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()

    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    assert set(nodes) == set(expected["assets"])
    groups = {
        n["groupName"] for n in nodes.values() if n["assetKey"]["path"][:2] != ["raw", "meta"]
    }
    assert {"ingest", "staging", "intermediate", "marts"} <= groups
    assert groups <= {"ingest", "staging", "intermediate", "marts", "publish"}
    checks = {
        f"{key}:{check['name']}"
        for key, node in nodes.items()
        for check in (node["assetChecksOrError"] or {}).get("checks", [])
    }
    assert checks == set(expected["checks"])
    (repository,) = data["repositoriesOrError"]["nodes"]
    assert {"nightly", "full_refresh"} <= {j["name"] for j in repository["jobs"]}
    assert {s["name"] for s in repository["schedules"]} == set(expected["schedules"])
    assert {s["name"] for s in repository["sensors"]} == set(expected["sensors"])

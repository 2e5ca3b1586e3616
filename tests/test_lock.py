"""One build at a time per warehouse: a second command waits (saying for whom) or, with
--no-wait, exits 1 with that sentence; two real builds both finish, one after the other."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.lock import WarehouseBusy, build_lock, busy, lock_path

PROJECT = Path(__file__).resolve().parents[1]
MOPS = [str(Path(sys.executable).parent / "mops")]
LEAD = "Id,Email,SystemModstamp\n00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
HOLDER = re.compile(r"mops process (\d+) \(started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)")


def _env(tmp_path: Path, landing: Path, name: str = "w") -> dict[str, str]:
    return {
        **os.environ,
        "MOPS_LANDING_DIR": str(landing),
        "MOPS_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "MOPS_MARTS": str(tmp_path / f"{name}" / "marts.duckdb"),
        "DAGSTER_HOME": str(tmp_path / f"dagster_{name}"),
    }


def _landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing" / "salesforce" / "Lead"
    folder.mkdir(parents=True)
    (folder / "day1.csv").write_text(LEAD)
    return tmp_path / "landing"


def test_the_lock_records_its_holder_and_a_second_taker_is_told_who(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with build_lock(warehouse):
        assert lock_path(warehouse) == tmp_path / "w.duckdb.lock"
        recorded = lock_path(warehouse).read_text()
        assert recorded.startswith(f"{os.getpid()} ")
        with build_lock(warehouse):  # re-entrant within the process (mops build -> Dagster)
            pass
        assert busy(warehouse) is None  # this process holds it
    assert busy(warehouse) is None


def test_no_wait_exits_1_with_a_sentence_naming_the_holder(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    env = _env(tmp_path, landing)
    with build_lock(env["MOPS_WAREHOUSE"]):
        done = subprocess.run(
            [*MOPS, "ingest", "--no-wait"], env=env, cwd=PROJECT, capture_output=True, text=True
        )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    found = HOLDER.search(done.stderr)
    assert found and int(found.group(1)) == os.getpid()
    assert done.stderr.startswith(f"error: the warehouse {env['MOPS_WAREHOUSE']} is being built")
    assert "run again once it has finished, or drop --no-wait to wait" in done.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_second_command_waits_for_the_holder_then_runs(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    env = _env(tmp_path, landing)
    with build_lock(env["MOPS_WAREHOUSE"]):
        waiting = subprocess.Popen(
            [*MOPS, "ingest"], env=env, cwd=PROJECT, stderr=subprocess.PIPE, text=True
        )
        assert waiting.stderr is not None
        line = waiting.stderr.readline()  # printed while it waits, before it loads anything
        assert HOLDER.search(line) and "waiting for it to finish" in line
        assert waiting.poll() is None
        assert not (tmp_path / "warehouse.duckdb").exists()
    assert waiting.wait(timeout=120) == 0
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.salesforce__lead").fetchone() == (1,)


def test_the_sensor_skips_while_a_build_holds_the_warehouse(tmp_path: Path) -> None:
    import dagster as dg

    from pipeline.defs.nightly import new_landing_files
    from pipeline.defs.resources import WarehouseResource

    landing = _landing(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    resource = WarehouseResource(path=str(warehouse), landing_dir=str(landing))
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with dg.build_sensor_context(resources={"warehouse": resource}) as context:
            result = new_landing_files(context)
        assert isinstance(result, dg.SkipReason)
        assert f"mops process {holder.pid} (started" in (result.skip_message or "")
    finally:
        holder.kill()
        holder.wait()


_HOLD = """
import sys, time
from pipeline.lock import build_lock
with build_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_busy_names_the_holder_of_another_process(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        found = busy(warehouse)
        assert found is not None and found.startswith(f"mops process {holder.pid} (started")
        with (
            pytest.raises(WarehouseBusy, match=f"being built by mops process {holder.pid}"),
            build_lock(warehouse, wait=False),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    with build_lock(warehouse, wait=False):  # a killed holder leaves no stale lock
        pass


def _waiting_messages(instance: object) -> list[str]:
    import dagster as dg

    assert isinstance(instance, dg.DagsterInstance)
    return [
        entry.user_message
        for run in instance.get_runs()
        for entry in instance.all_logs(run.run_id)
        if "waiting for it to finish" in entry.user_message
    ]


def test_a_dagster_run_waits_for_the_holder_and_says_so(tmp_path: Path) -> None:
    import dagster as dg

    from pipeline.defs.ingest import ingest_assets
    from pipeline.defs.resources import WarehouseResource
    from pipeline.ingest.objects import find_object

    landing = _landing(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    lead = find_object("salesforce", "Lead")
    assert lead is not None
    resource = WarehouseResource(path=str(warehouse), landing_dir=str(landing))
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_UNTIL_TOLD, str(warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdin is not None and holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    results: list[dg.ExecuteInProcessResult] = []
    with dg.DagsterInstance.ephemeral() as instance:
        run = threading.Thread(
            target=lambda: results.append(
                dg.materialize(
                    ingest_assets([lead]), resources={"warehouse": resource}, instance=instance
                )
            )
        )
        run.start()
        deadline = time.monotonic() + 120
        while not _waiting_messages(instance):
            assert time.monotonic() < deadline and run.is_alive()
            time.sleep(0.1)
        assert run.is_alive() and not warehouse.exists()  # waiting, nothing written
        [message] = _waiting_messages(instance)
        holder.stdin.write("release\n")
        holder.stdin.flush()
        run.join(timeout=120)
    assert holder.wait() == 0 and results and results[0].success
    assert f"being built by mops process {holder.pid} (started" in message
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.salesforce__lead").fetchone() == (1,)


_HOLD_UNTIL_TOLD = """
import sys
from pipeline.lock import build_lock
with build_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def _marts(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            str(r[0])
            for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()
        ]
        return {
            t: sorted(con.execute(f'select * from "{t}"').fetchall(), key=repr)
            for t in tables
            if t != "_published"  # run id and time differ by design
        }


@pytest.mark.slow
def test_two_builds_started_together_run_one_after_the_other(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(PROJECT / "seeds" / "landing", landing)
    first_env, second_env = _env(tmp_path, landing, "a"), _env(tmp_path, landing, "b")
    first = subprocess.Popen(
        [*MOPS, "build"], env=first_env, cwd=PROJECT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not lock_path(tmp_path / "warehouse.duckdb").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = subprocess.Popen(
        [*MOPS, "build"], env=second_env, cwd=PROJECT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    first_out, first_err = first.communicate(timeout=900)
    second_out, second_err = second.communicate(timeout=900)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert "waiting for it to finish" in second_err
    assert f"mops process {first.pid} (started" in second_err
    assert "Traceback" not in first_err + second_err
    assert "Conflicting lock" not in first_out + first_err + second_out + second_err
    published_a = _marts(tmp_path / "a" / "marts.duckdb")
    assert published_a and published_a == _marts(tmp_path / "b" / "marts.duckdb")

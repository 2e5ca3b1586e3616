"""The benchmark's pieces: the night split, the floors, the probes, the ratios it reports and
the targets it holds them to."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from pipeline.bench.floors import ingest_floor
from pipeline.bench.probes import engine_probe, generator_probe
from pipeline.bench.result import BenchResult, Stage
from pipeline.bench.targets import judge, missed
from pipeline.bench.worlds import split_last_day
from pipeline.cli import _judge


def test_the_last_extract_day_is_held_back_for_the_second_night(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    for relative in (
        "salesforce/Lead/Lead_2026-03-01.csv",
        "salesforce/Lead/Lead_2026-03-02.csv",
        "marketo/activity_types/activity_types.json",
    ):
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    night1, night2, last = split_last_day(landing, tmp_path / "work")
    assert last == "2026-03-02"
    first = sorted(p.name for p in night1.rglob("*.*"))
    both = sorted(p.name for p in night2.rglob("*.*"))
    assert first == ["Lead_2026-03-01.csv", "activity_types.json"]
    assert both == ["Lead_2026-03-01.csv", "Lead_2026-03-02.csv", "activity_types.json"]


# a full build of 10 s, its floors and repeat, and a night of 1 s
RUN = [
    Stage("full", "ingest", 6.0, 100, 1),
    Stage("floor", "ingest", 4.0, 100, 1),
    Stage("full", "models", 3.0, 100, 1),
    Stage("full", "checks", 1.0, 10, 1),
    Stage("floor", "models", 2.5, 10, 1),
    Stage("repeat", "models", 3.0, 100, 1),
    Stage("nightly", "ingest", 0.5, 1, 1),
    Stage("nightly", "models", 0.5, 1, 1),
]


def test_ratios_compare_stages_measured_in_the_same_run() -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")
    result.stages = list(RUN)
    assert result.ratios == {
        "models_over_floor": 1.2,
        "ingest_over_floor": 1.5,
        "nightly_over_full": 0.1,
        "checks_over_full": 0.1,
    }
    assert result.summary().startswith("bench small: full 10.0 s")


def test_slowest_ranks_the_models_of_one_run_by_seconds() -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")
    result.model_seconds = {
        "full": {"stg_a": 1.0, "fct_b": 3.0, "mart_c": 2.0},
        "nightly": {"stg_a": 9.0},
    }
    assert result.slowest("full", count=2) == [("fct_b", 3.0), ("mart_c", 2.0)]


def test_slowest_checks_rank_the_checks_of_one_run_apart_from_its_models() -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")
    result.model_seconds = {"nightly": {"fct_b": 5.0}}
    result.check_seconds = {
        "full": {"fct_b:unique_id": 4.0},
        "nightly": {"fct_b:unique_id": 0.5, "dim_c:person_in_dim": 2.0},
    }
    assert result.slowest("nightly", kind="checks") == [
        ("dim_c:person_in_dim", 2.0),
        ("fct_b:unique_id", 0.5),
    ]


def test_the_ingest_floor_reads_every_landing_file_into_a_scratch_database(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    files = {
        # a preamble line before the header, as Salesforce report exports have
        "salesforce/Lead/Lead_2026-03-01.csv": "Report: leads\nId,Email\n00Q1,a@x\n00Q2,b@x\n",
        "salesforce/Lead/Lead_2026-03-02.csv": "Report: leads\nId,Email\n00Q3,c@x\n",
        # one object's files in two layouts: a JSON array, then one object per line
        "marketo/activity_types/activity_types_1.json": '[{"id": 1, "name": "Visit Webpage"}]',
        "marketo/activity_types/activity_types_2.json": '{"id": 2, "name": "Fill Out Form"}\n',
    }
    for relative, text in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")
    scratch = tmp_path / "floor.duckdb"

    ingest_floor(result, landing, scratch, "1GB")

    (stage,) = result.stages
    assert (stage.run, stage.stage, stage.rows) == ("floor", "ingest", 5)
    assert stage.seconds > 0
    assert not scratch.exists()


def test_the_probes_ratios_compare_each_probe_with_its_floor() -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")
    result.stages = [
        *RUN,
        Stage("probe", "generate", 2.0, 3000, 1),
        Stage("probe", "read", 4.0, 80_000, 1),
        Stage("probe", "load+plan", 0.3, 200, 0),
        Stage("probe", "parse", 0.2, 200, 0),
    ]
    assert result.ratios["generate_over_read"] == 0.5
    assert result.ratios["load_plan_over_parse"] == pytest.approx(1.5)
    assert result.people_per_second == 1500
    assert result.summary().endswith("generate/read 0.50x (1,500 people/s), load+plan/parse 1.50x")


def test_a_ratio_above_its_target_is_missed_and_one_without_a_target_is_not_judged() -> None:
    verdicts = judge({"ingest_over_floor": 1.30, "models_over_floor": 1.10, "nightly_over_full": 9})
    assert [(v.name, v.met) for v in verdicts] == [
        ("ingest_over_floor", False),
        ("models_over_floor", True),
    ]
    assert [v.name for v in missed(verdicts)] == ["ingest_over_floor"]
    assert verdicts[0].line().startswith("MISSED  ingest_over_floor 1.30x (target <= 1.25x)")


def test_a_missed_target_exits_1_only_when_enforced(capsys: pytest.CaptureFixture[str]) -> None:
    _judge({"load_plan_over_parse": 3.0}, enforce=False)
    assert "MISSED  load_plan_over_parse 3.00x" in capsys.readouterr().out
    with pytest.raises(typer.Exit) as exited:
        _judge({"load_plan_over_parse": 3.0}, enforce=True)
    assert exited.value.exit_code == 1
    _judge({"load_plan_over_parse": 2.0}, enforce=True)  # met: returns


def test_the_generator_probe_counts_people_and_reads_back_what_it_wrote(tmp_path: Path) -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")

    generator_probe(result, tmp_path, "1GB", people=100, days=10)

    generate, read = result.stages
    assert (generate.run, generate.stage, generate.rows) == ("probe", "generate", 100)
    assert (read.run, read.stage) == ("probe", "read")
    assert read.rows > 100  # every row of every object the world holds
    assert list(tmp_path.iterdir()) == []  # the probe's world and scratch database are gone


def test_the_engine_probe_times_load_and_plan_beside_parsing(tmp_path: Path) -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")

    engine_probe(result, models=20, repeats=1)

    assert [(s.run, s.stage, s.rows) for s in result.stages] == [
        ("probe", "load+plan", 20),
        ("probe", "parse", 20),
    ]
    assert "load_plan_over_parse" in result.ratios

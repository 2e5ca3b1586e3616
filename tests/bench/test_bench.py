"""The benchmark's pieces: the night split, the ingest floor and the ratios it reports."""

from __future__ import annotations

from pathlib import Path

from pipeline.bench.run import BenchResult, Stage, ingest_floor
from pipeline.bench.worlds import split_last_day


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


def test_ratios_compare_stages_measured_in_the_same_run() -> None:
    result = BenchResult("small", 10, 2, "2026-03-02", "1GB")
    result.stages = [
        Stage("full", "ingest", 6.0, 100, 1),
        Stage("floor", "ingest", 4.0, 100, 1),
        Stage("full", "models", 3.0, 100, 1),
        Stage("full", "checks", 1.0, 10, 1),
        Stage("floor", "models", 2.5, 10, 1),
        Stage("repeat", "models", 3.0, 100, 1),
        Stage("nightly", "ingest", 0.5, 1, 1),
        Stage("nightly", "models", 0.5, 1, 1),
    ]
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

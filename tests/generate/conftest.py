"""A small generated world shared by the generator tests (one per test worker)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipeline.generate import WorldSummary, generate_world

END = date(2026, 10, 31)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> WorldSummary:
    return generate_world(
        tmp_path_factory.mktemp("world"), people=3000, days=45, seed=11, end_date=END
    )


def files(summary: WorldSummary, system: str, obj: str) -> list[Path]:
    return sorted((summary.out / system / obj).glob("*"))


def read_csv(summary: WorldSummary, system: str, obj: str) -> pl.DataFrame:
    """Every delivered row of a CSV object, all columns as text, with the file it came from."""
    frames = []
    for path in files(summary, system, obj):
        frame = pl.read_csv(path, infer_schema=False, null_values=[""])
        frame = frame.rename({c: c.lstrip("\ufeff") for c in frame.columns})
        frames.append(frame.with_columns(_file=pl.lit(path.name)))
    return pl.concat(frames, how="diagonal")


def json_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON delivery: an array, a wrapper object (`results`/`data`), or NDJSON."""
    text = path.read_text()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line]
    body = json.loads(text)
    if isinstance(body, dict):
        for key in ("results", "data", "elements"):
            if key in body:
                return list(body[key])
    return list(body)


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out

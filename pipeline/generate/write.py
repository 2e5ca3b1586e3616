"""Writing deliveries: one file per object per extract day, `<out>/<system>/<object>/
<object>_<YYYY-MM-DD>.<ext>`. A row goes to the file of the day of its change; rows of changes
before the window go to the first day's file (the initial full extract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pipeline.generate.spec import DAY, WorldSpec

BOM = b"\xef\xbb\xbf"


@dataclass
class Output:
    """Where files go, and what was written (rows per `system/object`, file paths)."""

    root: Path
    spec: WorldSpec
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def path(self, system: str, obj: str, day: date, ext: str) -> Path:
        folder = self.root / system / obj
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{obj}_{day.isoformat()}.{ext}"

    def count(self, system: str, obj: str, rows: int) -> None:
        key = f"{system}/{obj}"
        self.rows[key] = self.rows.get(key, 0) + rows

    def text(self, system: str, obj: str, day: date, ext: str, content: str, rows: int) -> None:
        path = self.path(system, obj, day, ext)
        path.write_bytes(content.encode("utf-8"))
        self.files.append(path)
        self.count(system, obj, rows)

    def daily_csv(
        self,
        system: str,
        obj: str,
        frame: pl.DataFrame,
        *,
        bom: bool = False,
        null_value: str = "",
    ) -> None:
        """Split `frame` by the day of its `_t` column and write one CSV per day."""
        spec = self.spec
        day = ((pl.col("_t") - spec.t_start) // DAY).clip(0, spec.days - 1).alias("_day")
        frame = frame.with_columns(day).sort("_day", "_t", maintain_order=True)
        for (index,), part in frame.partition_by("_day", maintain_order=True, as_dict=True).items():
            path = self.path(system, obj, spec.start_date + timedelta(days=int(index)), "csv")
            with path.open("wb") as handle:
                if bom:
                    handle.write(BOM)
                part.drop("_t", "_day").write_csv(handle, null_value=null_value)
            self.files.append(path)
            self.count(system, obj, part.height)

"""A broken delivery the benchmark ingests beside the world: one Lead export with a line of
100,000 fields (one such line took DuckDB's reject handling 415 s), so `ingest/floor` shows what
guarding against it costs."""

from __future__ import annotations

from pathlib import Path

WIDE_FIELDS = 100_000
FAULT_FILE = "salesforce/Lead/zz_fault_wide_line.csv"


def add_wide_line_file(landing: Path) -> Path:
    """Write the fault file into `landing`: 200 good leads around one 100,000-field line."""
    leads = [
        f"00QFAULT{i:010d},fault{i}@example.com,Fault,Lead{i},Example Co\n" for i in range(200)
    ]
    path = landing / FAULT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write("Id,Email,FirstName,LastName,Company\n")
        out.writelines(leads[:100])
        out.write("," * (WIDE_FIELDS - 1) + "\n")
        out.writelines(leads[100:])
    return path

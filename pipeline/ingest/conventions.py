"""How an organisation spells values its values cannot tell: one settings file, `ingest.yml`.

A file's own values decide its date order and decimal separator when they can (`13/02/2026` is
day first, `1.234,56` has a decimal comma). When every value of a column could be read either way
(`02/03/2026`, `1,234`), the object's convention here decides. `defaults` applies to every object;
`systems.<system>` and `objects.<system>/<object>` override it, the most specific winning:

    defaults:
      date_order: month_first      # month_first | day_first
      decimal_separator: "."       # "." | ","
      plausible_dates: [1990-01-01, 2100-12-31]
    systems:
      salesforce: {date_order: day_first, decimal_separator: ","}   # a European org
    objects:
      salesforce/Lead: {date_order: month_first}

`plausible_dates` is one window for every object (`defaults` only): a date outside it is
quarantined. `MOPS_INGEST_SETTINGS` names another file; a missing file means the defaults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from pipeline.errors import MopsError

DateOrder = Literal["month_first", "day_first"]
DecimalSeparator = Literal[".", ","]

_ORDERS = ("month_first", "day_first")
_SEPARATORS = (".", ",")


class ConventionsError(MopsError):
    """The ingest settings file cannot be used."""


@dataclass(frozen=True)
class Conventions:
    """What decides, for one object, a spelling its values leave open."""

    date_order: DateOrder = "month_first"
    decimal_separator: DecimalSeparator = "."
    earliest: dt.date = dt.date(1990, 1, 1)
    latest: dt.date = dt.date(2100, 12, 31)
    report_timezone: str = "UTC"


@dataclass(frozen=True)
class ConventionBook:
    defaults: Conventions = field(default_factory=Conventions)
    systems: dict[str, dict[str, str]] = field(default_factory=dict)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_object(self, system: str, name: str) -> Conventions:
        chosen = {**self.systems.get(system, {}), **self.objects.get(f"{system}/{name}", {})}
        return replace(self.defaults, **chosen)  # type: ignore[arg-type]


def _overrides(where: str, entry: Any) -> dict[str, str]:
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise ConventionsError(f"{where}: expected a mapping such as {{date_order: day_first}}")
    chosen: dict[str, str] = {}
    for key, value in entry.items():
        text = str(value)
        if (key == "date_order" and text in _ORDERS) or (
            key == "decimal_separator" and text in _SEPARATORS
        ):
            chosen[key] = text
        else:
            raise ConventionsError(
                f"{where}: {key}: {value!r} is not a setting; use date_order "
                f"({' or '.join(_ORDERS)}) or decimal_separator ('.' or ',')"
            )
    return chosen


def _window(where: str, value: Any) -> tuple[dt.date, dt.date]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, dt.date) for v in value)
        and value[0] < value[1]
    ):
        return cast(dt.date, value[0]), cast(dt.date, value[1])
    raise ConventionsError(f"{where}: plausible_dates must be [earliest, latest] as YYYY-MM-DD")


def load_conventions(path: Path, report_timezone: str = "UTC") -> ConventionBook:
    """The conventions in `path` (the defaults alone when it does not exist)."""
    if not path.is_file():
        return ConventionBook(Conventions(report_timezone=report_timezone))
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConventionsError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise ConventionsError(f"{path}: expected the sections defaults, systems, objects")
    unknown = set(document) - {"defaults", "systems", "objects"}
    if unknown:
        raise ConventionsError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    raw_defaults = dict(document.get("defaults") or {})
    window = raw_defaults.pop("plausible_dates", None)
    earliest, latest = (
        _window(f"{path}: defaults", window)
        if window is not None
        else (Conventions().earliest, Conventions().latest)
    )
    defaults = Conventions(earliest=earliest, latest=latest, report_timezone=report_timezone)
    defaults = replace(defaults, **_overrides(f"{path}: defaults", raw_defaults))  # type: ignore[arg-type]
    sections: dict[str, dict[str, dict[str, str]]] = {}
    for section in ("systems", "objects"):
        entries = document.get(section) or {}
        if not isinstance(entries, dict):
            raise ConventionsError(f"{path}: {section} must map names to settings")
        sections[section] = {
            str(name): _overrides(f"{path}: {section}.{name}", entry)
            for name, entry in entries.items()
        }
    return ConventionBook(defaults, sections["systems"], sections["objects"])

"""Severity and thresholds of the load gate's checks and the publishing allow-list, read from
`checks/config.yml` (data tests carry theirs in their YAML `config:`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.errors import MopsError

CONFIG_FILE = Path(__file__).resolve().parent / "config.yml"

Severity = Literal["error", "warn"]
LOAD_CHECK_NAMES = ("quarantined_share", "no_file_wholly_quarantined")


class GateConfigError(MopsError):
    """`checks/config.yml` names something that is not a load check."""


class CheckSettings(BaseModel):
    """How one check is judged: it passes while failing rows stay within a threshold."""

    model_config = ConfigDict(extra="forbid")

    severity: Severity = "error"
    max_failing_rows: int = 0
    max_failing_rate: float | None = None
    max_quarantined_share: float = Field(default=0.01, ge=0, le=1)  # load gate checks only
    enabled: bool = True

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def passes(self, failing: int, checked: int | None) -> bool:
        if failing <= self.max_failing_rows:
            return True
        if self.max_failing_rate is None or not checked:
            return False
        return failing / checked <= self.max_failing_rate


class PublishSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allow_columns: list[str] = Field(default_factory=list)


class GateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    defaults: CheckSettings = Field(default_factory=CheckSettings)
    checks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    publish: PublishSettings = Field(default_factory=PublishSettings)

    @field_validator("checks")
    @classmethod
    def _load_checks_only(cls, checks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for key in checks:
            relation, _, name = key.partition(":")
            if not relation.startswith("raw.") or name not in LOAD_CHECK_NAMES:
                raise GateConfigError(
                    f"checks/config.yml: {key!r} is not a load check "
                    f"(`raw.<table>:{'|'.join(LOAD_CHECK_NAMES)}`). A data test's severity and "
                    "thresholds are its `config:` in the model YAML, e.g. "
                    "`config: {severity: warn, max_failing_rate: 0.02}` "
                    "(docs/quality-and-publishing.md)."
                )
        return checks

    def for_check(self, relation: str, name: str) -> CheckSettings:
        """The defaults overridden by the entry `<relation>:<name>`, if any."""
        override = self.checks.get(f"{relation}:{name}") or {}
        return CheckSettings.model_validate({**self.defaults.model_dump(), **override})


def load_config(path: Path | str | None = None) -> GateConfig:
    import yaml

    target = Path(path) if path else CONFIG_FILE
    document = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
    return GateConfig.model_validate(document)

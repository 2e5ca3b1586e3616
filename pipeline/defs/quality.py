"""The load gate as Dagster asset checks: each check of `checks.loads` on the
`raw/<system>/<object>` asset it guards, `error` ones blocking, with the offending files.

They run in an op of their own, `load_gate`, so a blocked load stops the models before they read
it. The models' data tests are asset checks of the models multi-asset (pipeline/defs/models.py).
Loading this module imports no duckdb, polars or pandera.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import dagster as dg

from checks.config import GateConfig, load_config
from checks.loads import LOAD_CHECKS, LoadCheck
from pipeline.defs.models import validated_materialization
from pipeline.defs.resources import WarehouseResource
from pipeline.ingest.objects import OBJECTS

if TYPE_CHECKING:
    from checks.gate import LoadOutcome

LOAD_GATE_OP = "load_gate"
RAW_KEYS = {obj.qualified_table: dg.AssetKey(list(obj.asset_path)) for obj in OBJECTS}


def check_key(check: LoadCheck) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(RAW_KEYS[check.relation], check.name)


def check_spec(check: LoadCheck, config: GateConfig) -> dg.AssetCheckSpec:
    settings = config.for_check(check.relation, check.name)
    return dg.AssetCheckSpec(
        name=check.name,
        asset=RAW_KEYS[check.relation],
        description=check.description,
        blocking=settings.blocking,
        metadata={
            "severity": settings.severity,
            "max_failing_rows": settings.max_failing_rows,
            "max_quarantined_share": settings.max_quarantined_share,
            "kind": "load",
            "gate_check": check.check_id(),
        },
    )


def check_result(
    outcome: "LoadOutcome", validates: Mapping[str, str] | None = None
) -> dg.AssetCheckResult:
    """The result with its rule, the offending files and the verdict they give; `validates`
    names the materialization checked (run id, code version)."""
    settings = outcome.settings
    metadata: dict[str, Any] = {
        "outcome": outcome.verdict(),
        "status": outcome.status,
        "severity": settings.severity,
        "max_failing_rows": settings.max_failing_rows,
        "max_quarantined_share": settings.max_quarantined_share,
        "failing_rows": outcome.failing_rows,
        "failing_sample": dg.MetadataValue.json(outcome.sample),
        "seconds": round(outcome.seconds, 3),
        **(validates or {}),
    }
    if outcome.error:
        metadata["error"] = outcome.error
    if outcome.offending_files:
        metadata["offending_files"] = dg.MetadataValue.md(
            "\n".join(f"- {line}" for line in outcome.offending_files)
        )
    return dg.AssetCheckResult(
        asset_key=RAW_KEYS[outcome.check.relation],
        check_name=outcome.check.name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if settings.blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{outcome.verdict()}. {outcome.check.description}",
    )


def load_gate_def(checks: Sequence[LoadCheck], config: GateConfig) -> dg.AssetChecksDefinition:
    by_key = {check_key(c): c for c in checks}

    @dg.multi_asset_check(
        specs=[check_spec(c, config) for c in checks],
        name=LOAD_GATE_OP,
        can_subset=True,
        description="The load gate (checks/loads.py): quarantined rows in the files this run "
        "loaded.",
    )
    def _gate(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        from checks.gate import iter_load_gate

        order = {check.check_id(): i for i, check in enumerate(checks)}
        selected = [by_key[k] for k in context.selected_asset_check_keys if k in by_key]
        selected.sort(key=lambda c: order[c.check_id()])
        validated: dict[dg.AssetKey, dict[str, str]] = {}
        with warehouse.connect() as con:
            for outcome in iter_load_gate(con, selected, config):
                if outcome.status == "failed":
                    log = context.log.error if outcome.blocks else context.log.warning
                    log(outcome.summary())
                key = RAW_KEYS[outcome.check.relation]
                if key not in validated:
                    validated[key] = validated_materialization(context.instance, key)
                yield check_result(outcome, validated[key])

    return _gate


def load_checks(config: GateConfig) -> list[LoadCheck]:
    """The enabled load checks."""
    return [c for c in LOAD_CHECKS if config.for_check(c.relation, c.name).enabled]


def build_quality_defs(config: GateConfig | None = None) -> dg.Definitions:
    config = config or load_config()
    checks = load_checks(config)
    return dg.Definitions(asset_checks=[load_gate_def(checks, config)] if checks else [])


__all__ = ["LOAD_GATE_OP", "RAW_KEYS", "build_quality_defs", "check_key", "load_checks"]

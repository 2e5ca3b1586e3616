"""The quality gate as Dagster asset checks: each check of `checks.registry` on the asset it
guards, `error` ones blocking, with failing-row counts and a sample of failing keys/values.

Only checks whose model exists in the project get a spec (the KPI marts' checks appear once their
SQL lands); loading this module imports no duckdb, polars or pandera. The load gate's checks
(checks/loads.py) sit on the `raw/<system>/<object>` assets in an op of their own, `load_gate`,
so a blocked load stops the models before they read it.
"""

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from checks.config import GateConfig, load_config
from checks.loads import LoadCheck
from checks.registry import CHECKS, Check, check_id
from pipeline.defs.models import as_project, model_key
from pipeline.defs.resources import WarehouseResource
from pipeline.ingest.objects import OBJECTS

if TYPE_CHECKING:
    from checks.gate import CheckOutcome
    from pipeline.engine.project import Project

GATE_OP = "quality_gate"
LOAD_GATE_OP = "load_gate"
RAW_KEYS = {obj.qualified_table: dg.AssetKey(list(obj.asset_path)) for obj in OBJECTS}


def model_relations(project: "Project | Path | str") -> dict[str, dg.AssetKey]:
    """`<schema>.<model>` -> asset key of every built model of the (loaded) project."""
    models = as_project(project).models.values()
    return {m.relation: model_key(m) for m in models if not m.is_ephemeral}


def active_checks(
    models_dir: "Project | Path | str", checks: Sequence[Check] = CHECKS
) -> list[Check]:
    """The checks whose relation, and every relation they read, is a model of the project or a
    raw landing table."""
    relations = {**model_relations(as_project(models_dir)), **RAW_KEYS}
    return [c for c in checks if all(r in relations for r in (c.relation, *c.reads))]


def asset_key(relation: str) -> dg.AssetKey:
    if relation in RAW_KEYS:
        return RAW_KEYS[relation]
    schema, table = relation.split(".", 1)
    return dg.AssetKey([schema, table])


def check_key(check: Check) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(asset_key(check.relation), check.name)


def check_spec(check: Check, config: GateConfig) -> dg.AssetCheckSpec:
    settings = config.for_check(check.relation, check.name)
    kind = {"SqlCheck": "sql", "LoadCheck": "load"}.get(check.__class__.__name__, "pandera")
    return dg.AssetCheckSpec(
        name=check.name,
        asset=asset_key(check.relation),
        description=check.description,
        blocking=settings.blocking,
        additional_deps=[asset_key(r) for r in check.reads] or None,
        metadata={
            "severity": settings.severity,
            "max_failing_rows": settings.max_failing_rows,
            "max_failing_rate": settings.max_failing_rate
            if settings.max_failing_rate is not None
            else "",
            "kind": kind,
            "gate_check": check_id(check),
        },
    )


def check_result(
    outcome: "CheckOutcome", validates: Mapping[str, str] | None = None
) -> dg.AssetCheckResult:
    """The result with its rule (severity, thresholds), its counts and the verdict they give;
    `validates` names the materialization checked (run id, code version)."""
    settings = outcome.settings
    metadata: dict[str, Any] = {
        "outcome": outcome.verdict(),
        "status": outcome.status,
        "severity": settings.severity,
        "max_failing_rows": settings.max_failing_rows,
        "max_failing_rate": settings.max_failing_rate
        if settings.max_failing_rate is not None
        else "none",
        "failing_rows": outcome.failing_rows,
        "checked_rows": outcome.checked_rows if outcome.checked_rows is not None else "unknown",
        "failing_rate": round(outcome.failing_rate, 6)
        if outcome.failing_rate is not None
        else "unknown",
        "failing_sample": dg.MetadataValue.json(outcome.sample),
        "scope": f"increment {outcome.increment}" if outcome.increment else "all rows",
        "seconds": round(outcome.seconds, 3),
        **(validates or {}),
    }
    if outcome.details:
        metadata["failures_by_rule"] = dg.MetadataValue.json(outcome.details)
    if outcome.error:
        metadata["error"] = outcome.error
    if outcome.offending_files:
        metadata["offending_files"] = dg.MetadataValue.md(
            "\n".join(f"- {line}" for line in outcome.offending_files)
        )
    return dg.AssetCheckResult(
        asset_key=asset_key(outcome.check.relation),
        check_name=outcome.check.name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if settings.blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{outcome.verdict()}. {outcome.check.description}",
    )


def validated_materialization(instance: dg.DagsterInstance, key: dg.AssetKey) -> dict[str, str]:
    """The run id and code version of the materialization of `key` a check reads."""
    event = instance.get_latest_materialization_event(key)
    if event is None:
        return {"validates_run": "none (the asset was never materialized)"}
    materialization = event.asset_materialization
    tags = materialization.tags if materialization and materialization.tags else {}
    return {
        "validates_run": event.run_id,
        "validates_code_version": tags.get("dagster/code_version", "none"),
    }


def gate_checks_def(
    checks: Sequence[Check],
    config: GateConfig,
    name: str = GATE_OP,
    description: str = "The quality gate (checks/): Pandera models and SQL checks in DuckDB.",
) -> dg.AssetChecksDefinition:
    by_key = {check_key(c): c for c in checks}

    @dg.multi_asset_check(
        specs=[check_spec(c, config) for c in checks],
        name=name,
        can_subset=True,
        description=description,
    )
    def _gate(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        from checks.gate import iter_gate

        selected = [by_key[k] for k in context.selected_asset_check_keys if k in by_key]
        order = {check_id(c): i for i, c in enumerate(checks)}
        selected.sort(key=lambda c: order[check_id(c)])
        validated: dict[dg.AssetKey, dict[str, str]] = {}
        with warehouse.connect() as con:
            for outcome in iter_gate(con, selected, config):
                if outcome.status == "failed":
                    log = context.log.error if outcome.blocks else context.log.warning
                    log(outcome.summary())
                key = asset_key(outcome.check.relation)
                if key not in validated:
                    validated[key] = validated_materialization(context.instance, key)
                yield check_result(outcome, validated[key])

    return _gate


def build_quality_defs(
    models_dir: "Project | Path | str", config: GateConfig | None = None
) -> dg.Definitions:
    config = config or load_config()
    models_dir = as_project(models_dir)
    checks = [c for c in active_checks(models_dir) if config.for_check(c.relation, c.name).enabled]
    on_loads = [c for c in checks if isinstance(c, LoadCheck)]
    on_models = [c for c in checks if not isinstance(c, LoadCheck)]
    defs = []
    if on_loads:
        load_gate = gate_checks_def(
            on_loads, config, LOAD_GATE_OP,
            "The load gate (checks/loads.py): quarantined rows in the files this run loaded.",
        )  # fmt: skip
        defs.append(load_gate)
    if on_models:
        defs.append(gate_checks_def(on_models, config))
    return dg.Definitions(asset_checks=defs)


__all__ = ["active_checks", "asset_key", "build_quality_defs", "check_key", "model_relations"]

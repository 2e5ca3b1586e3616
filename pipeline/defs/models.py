"""Every SQL model as one subsettable Dagster multi-asset, the way dagster-dbt shows dbt models.

Keys `<layer>/<model>` (`staging/stg_salesforce__opportunity`), groups by folder, kinds duckdb +
sql, deps on `raw/<system>/<object>`; YAML tests are asset checks (`severity: error` blocks).
Row count, table name, column schema and column lineage are read on the building connection.
"""

import hashlib
import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipeline.defs.resources import WarehouseResource

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.model import DataTest, Model
    from pipeline.engine.project import Project
    from pipeline.engine.runner import ModelResult
    from pipeline.engine.tests import TestResult

ASSET_NAME = "mops_models"
KINDS = {"duckdb", "sql"}
_TAG_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,63}$")


class ModelsConfig(dg.Config):
    """Run config of the models step."""

    full_refresh: bool = False
    vars: str = ""  # YAML/JSON mapping overriding project vars, as for `mops models --vars`
    threads: int = 1


def model_key(model: "Model") -> dg.AssetKey:
    return dg.AssetKey([model.layer, model.name])


def upstream_keys(project: "Project", model: "Model") -> list[dg.AssetKey]:
    """Asset keys `model` reads: models (through ephemeral ones) and raw sources."""
    keys: dict[dg.AssetKey, None] = {}
    stack = [model]
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        for source in current.sources:
            keys[dg.AssetKey(list(project.sources[source].asset_key))] = None
        for name in current.refs:
            parent = project.models[name]
            if parent.is_ephemeral:
                if name not in seen:
                    seen.add(name)
                    stack.append(parent)
            else:
                keys[model_key(parent)] = None
    return list(keys)


def code_version(project: "Project", model: "Model") -> str:
    """A hash of the rendered SQL and the config that shapes the relation."""
    from pipeline.engine.compile import compile_model

    payload = compile_model(project, model) + model.config.model_dump_json()
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def model_spec(project: "Project", model: "Model") -> dg.AssetSpec:
    config = model.config
    return dg.AssetSpec(
        key=model_key(model),
        deps=upstream_keys(project, model),
        description=model.description or None,
        group_name=model.layer,
        code_version=code_version(project, model),
        owners=list(config.owners) or None,
        tags={tag: "" for tag in config.tags if _TAG_KEY.match(tag)},
        kinds=set(KINDS),
        skippable=True,
        metadata={
            "dagster/table_name": model.relation,
            "materialized": config.materialized,
            "dagster/code_references": code_reference(model),
        },
    )


def code_reference(model: "Model") -> dg.CodeReferencesMetadataValue:
    """A link from the asset to its SQL file (the API is beta: its warning is silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        reference = dg.LocalFileCodeReference(
            file_path=str(model.path), line_number=1, label=model.rel_path
        )
        return dg.CodeReferencesMetadataValue(code_references=[reference])


def check_spec(project: "Project", test: "DataTest") -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=test.name,
        asset=model_key(project.models[test.model]),
        description=test.description or _describe_test(test),
        blocking=test.blocking,
        additional_deps=[model_key(project.models[n]) for n in test.depends_on] or None,
        metadata={
            "severity": test.severity,
            "max_failing_rows": test.max_failing_rows,
            "max_failing_rate": _or(test.max_failing_rate, ""),
            "kind": test.kind,
            "file": str(test.path),
        },
    )


def _or(value: Any, missing: str) -> Any:
    return missing if value is None else value


def _describe_test(test: "DataTest") -> str:
    if test.kind == "singular":
        return f"singular test {test.path.name}: its query returns no rows"
    if test.kind == "unique_key":
        return f"one row per ({', '.join(test.args['columns'])})"
    if test.kind == "pandera":
        return f"pandera schema {test.args['schema']}"
    return f"{test.kind} on {test.column}"


def models_asset(project: "Project", name: str = ASSET_NAME) -> dg.AssetsDefinition:
    """The one subsettable multi-asset building `project`'s non-ephemeral models."""
    built = [m for n, m in project.models.items() if not m.is_ephemeral]
    by_key = {model_key(m): m.name for m in built}
    specs = [model_spec(project, m) for m in built]
    checks = [check_spec(project, t) for m in built for t in project.tests_of(m.name)]

    @dg.multi_asset(
        name=name,
        specs=specs,
        check_specs=checks,
        can_subset=True,
        op_tags={"kind": "sql"},
    )
    def _models(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: ModelsConfig
    ) -> Iterator[dg.MaterializeResult[None] | dg.AssetCheckResult]:
        selected = {by_key[key] for key in context.selected_asset_keys}
        wanted_checks = set(context.selected_asset_check_keys)
        yield from run_models(
            project, selected, wanted_checks, warehouse, config, context.log,
            run_id=context.run.run_id, instance=context.instance,
        )  # fmt: skip

    return _models


def run_models(
    project: "Project",
    selected: set[str],
    wanted_checks: set[dg.AssetCheckKey],
    warehouse: WarehouseResource,
    config: ModelsConfig,
    log: Any,
    *,
    run_id: str = "",
    instance: dg.DagsterInstance | None = None,
) -> Iterator[dg.MaterializeResult[None] | dg.AssetCheckResult]:
    """Build `selected` in order, yielding materializations and check results as they finish.
    A check result names the materialization it validates: this run's, or for a check selected
    without its model, the latest one `instance` knows."""
    from pipeline.engine.runner import iter_build
    from pipeline.engine.tests import run_tests
    from pipeline.engine.yamlio import parse_yaml_text

    vars = parse_yaml_text(config.vars, what="vars") if config.vars else None
    failures: list[str] = []

    def wanted(test: "DataTest") -> bool:
        return dg.AssetCheckKey(model_key(project.models[test.model]), test.name) in wanted_checks

    with warehouse.connect() as con:
        order = [n for n in project.order if n in selected]
        for result in iter_build(
            con,
            project,
            order,
            vars=vars,
            full_refresh=config.full_refresh,
            threads=config.threads,
            test_filter=wanted,
            metadata=True,
        ):
            model = project.models[result.name]
            if result.status in ("error", "skipped"):
                log.error(f"{result.name}: {result.status}: {result.message}")
                failures.append(f"{result.name} ({result.status}: {result.message})")
                continue
            validates = {"validates_run": run_id} if run_id else {}
            yield dg.MaterializeResult(
                asset_key=model_key(model),
                metadata=model_metadata(con, project, model, result),
                check_results=[check_result(project, t, validates) for t in result.tests],
            )
            if result.status == "tests_failed":
                failures.append(f"{result.name} ({result.message})")
        # checks selected without their model: test the relation as it is
        for name in project.order:
            if name in selected or project.models[name].is_ephemeral:
                continue
            tests = [test for test in project.tests_of(name) if wanted(test)]
            if not tests:
                continue
            key = model_key(project.models[name])
            validates = validated_materialization(instance, key) if instance else {}
            for outcome in run_tests(con, project, tests, vars):
                yield check_result(project, outcome, validates)
    if failures:
        raise dg.Failure(description="models failed: " + "; ".join(failures))


def check_result(
    project: "Project", result: "TestResult", validates: Mapping[str, str] | None = None
) -> dg.AssetCheckResult:
    """The result with its rule (severity, thresholds), its counts, a sample of failing rows
    and the verdict they give; `validates` names the materialization checked."""
    test = result.test
    verdict = result.verdict()
    metadata: dict[str, Any] = {
        "outcome": verdict,
        "severity": test.severity,
        "max_failing_rows": test.max_failing_rows,
        "max_failing_rate": _or(test.max_failing_rate, "none"),
        "failing_rows": result.failing_rows,
        "checked_rows": _or(result.checked_rows, "unknown"),
        "failing_rate": _or(
            None if result.failing_rate is None else round(result.failing_rate, 6), "unknown"
        ),
        "failing_sample": dg.MetadataValue.json(result.sample),
        "scope": f"increment {result.increment}" if result.increment else "all rows",
        "seconds": round(result.seconds, 3),
        "sql": dg.MetadataValue.md(f"```sql\n{result.sql}\n```"),
        **(validates or {}),
    }
    if result.details:
        metadata["failures_by_rule"] = dg.MetadataValue.json(result.details)
    if result.error:
        metadata["error"] = result.error
    description = f"{verdict}. {test.description}" if test.description else verdict
    return dg.AssetCheckResult(
        description=description,
        asset_key=model_key(project.models[test.model]),
        check_name=test.name,
        passed=result.passed,
        severity=dg.AssetCheckSeverity.ERROR if test.blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
    )


def validated_materialization(instance: dg.DagsterInstance, key: dg.AssetKey) -> dict[str, str]:
    """The run id and code version of the latest materialization of `key`."""
    event = instance.get_latest_materialization_event(key)
    if event is None:
        return {"validates_run": "none (the asset was never materialized)"}
    materialization = event.asset_materialization
    tags = materialization.tags if materialization and materialization.tags else {}
    return {
        "validates_run": event.run_id,
        "validates_code_version": tags.get("dagster/code_version", "none"),
    }


def model_metadata(
    con: "duckdb.DuckDBPyConnection", project: "Project", model: "Model", result: "ModelResult"
) -> dict[str, Any]:
    """Row count, table name, column schema and lineage, as the engine read them on the
    building connection (read here only for a result built without them)."""
    from pipeline.engine.metadata import describe

    found = result.metadata or describe(con, project, model, result.rows, result.sql)
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name, kind, description=_column_description(model, name))
            for name, kind in found.columns
        ]
    )
    keys = _relation_keys(project)
    lineage = {
        column: [dg.TableColumnDep(keys[(s, t)], c) for s, t, c in deps if (s, t) in keys]
        for column, deps in found.lineage.items()
    }
    return {
        "dagster/row_count": found.rows,
        "dagster/table_name": found.table_name,
        "dagster/column_schema": schema,
        "dagster/column_lineage": dg.TableColumnLineage(
            deps_by_column={c: deps for c, deps in lineage.items() if deps}
        ),
        "materialized": model.materialized,
        "seconds": round(result.seconds, 3),
        "sql": dg.MetadataValue.md(f"```sql\n{result.sql}\n```"),
    }


def _column_description(model: "Model", name: str) -> str | None:
    doc = model.columns.get(name)
    return doc.description or None if doc else None


def _relation_keys(project: "Project") -> dict[tuple[str, str], dg.AssetKey]:
    keys = {(m.schema, m.name): model_key(m) for m in project.models.values() if not m.is_ephemeral}
    for source in project.sources.values():
        keys[(source.schema, source.identifier)] = dg.AssetKey(list(source.asset_key))
    return keys


def as_project(source: "Project | Path | str", vars: Mapping[str, Any] | None = None) -> "Project":
    """`source` when it is a loaded project, else the project loaded from that folder."""
    from pipeline.engine.project import Project, load_project

    if isinstance(source, Project) and not vars:
        return source
    return load_project(source.root if isinstance(source, Project) else source, vars)


def build_model_defs(
    source: "Project | Path | str", vars: Mapping[str, Any] | None = None
) -> dg.Definitions:
    """Definitions holding the models multi-asset (resource key `warehouse` not included)."""
    project = as_project(source, vars)
    if not any(not m.is_ephemeral for m in project.models.values()):
        return dg.Definitions()
    return dg.Definitions(assets=[models_asset(project)])


__all__ = ["ModelsConfig", "as_project", "build_model_defs", "model_key", "models_asset"]

"""`publish/marts`: after every mart and its checks, publish the marts file BI tools read.

The asset refuses to publish when a blocking check failed in this run (Dagster skips it then
anyway) and runs every load check and data test the run did not evaluate itself (checks/gate.py),
so selecting `publish/marts` alone never publishes unchecked data.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from checks.config import GateConfig, load_config
from checks.loads import LoadCheck
from pipeline.defs.models import as_project, model_key
from pipeline.defs.quality import RAW_KEYS, build_quality_defs, check_key, load_checks
from pipeline.defs.resources import WarehouseResource

if TYPE_CHECKING:
    from pipeline.engine.project import Project

PUBLISH_GROUP = "publish"
PUBLISH_KEY = dg.AssetKey(["publish", "marts"])
PUBLISHER_SOURCE = Path(__file__).resolve().parent.parent / "publish" / "publisher.py"


class PublishConfig(dg.Config):
    """Run config of `publish/marts`."""

    target: str = ""  # the published file (default: $MOPS_MARTS)
    as_of: str = ""  # YYYY-MM-DD (default: an `as_of` column of the marts, else the facts)


def _failed_blocking(context: dg.AssetExecutionContext) -> tuple[list[str], set[dg.AssetCheckKey]]:
    """Blocking check evaluations that failed in this run, and every check key evaluated."""
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failed, evaluated = [], set()
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.event_specific_data if event else None
        if evaluation is None:
            continue
        key = dg.AssetCheckKey(evaluation.asset_key, evaluation.check_name)
        evaluated.add(key)
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed.append(f"{key.asset_key.to_user_string()}:{key.name}")
    return failed, evaluated


def publish_asset(
    models_dir: "Project | Path | str", checks: list[LoadCheck], gate_config: GateConfig
) -> dg.AssetsDefinition:
    """`publish/marts` after every model of schema `marts` and the raw assets the load
    `checks` guard."""
    project = as_project(models_dir)
    marts = [
        model_key(m) for m in project.models.values() if m.schema == "marts" and not m.is_ephemeral
    ]
    guarded = {RAW_KEYS[c.relation] for c in checks}
    deps = list(dict.fromkeys([*marts, *sorted(guarded, key=lambda k: k.to_user_string())]))

    @dg.asset(
        key=PUBLISH_KEY,
        group_name=PUBLISH_GROUP,
        deps=deps,
        kinds={"duckdb", "parquet"},
        owners=["team:data-engineering"],
        description="The published marts file (MOPS_MARTS) for BI tools: every model tagged "
        "`publish` (the `mart_*` tables and `kpi_definitions`), DuckDB 1.x-readable storage, "
        "column comments, a "
        "`_published` table, Parquet copies; swapped in atomically, previous file kept.",
        metadata={
            "dagster/code_references": dg.CodeReferencesMetadataValue(
                code_references=[dg.LocalFileCodeReference(file_path=str(PUBLISHER_SOURCE))]
            ),
        },
    )
    def _publish(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: PublishConfig
    ) -> dg.MaterializeResult:  # type: ignore[type-arg]
        return run_publish(context, warehouse, config, project, checks, gate_config)

    return _publish


def run_publish(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    run_config: PublishConfig,
    project: "Project",
    checks: list[LoadCheck],
    config: GateConfig,
) -> dg.MaterializeResult:  # type: ignore[type-arg]
    import datetime as dt

    from checks.gate import run_gate
    from pipeline.publish import publish

    failed, evaluated = _failed_blocking(context)
    if failed:
        raise dg.Failure(
            description="blocking checks failed in this run; the published file is unchanged: "
            + ", ".join(sorted(failed))
        )
    target = Path(run_config.target) if run_config.target else warehouse.settings().marts
    unchecked = [c for c in checks if check_key(c) not in evaluated]
    untested = [
        test
        for name, model in project.models.items()
        if not model.is_ephemeral
        for test in project.tests_of(name)
        if dg.AssetCheckKey(model_key(model), test.name) not in evaluated
    ]
    with warehouse.connect() as con:
        if unchecked or untested:
            gate = run_gate(con, project, tests=untested, load_checks=unchecked, config=config)
            context.log.info(
                f"gate run by publish ({len(unchecked)} load checks, {len(untested)} tests): "
                f"{gate.seconds:.2f}s"
            )
            if not gate.passed:
                raise dg.Failure(
                    description="blocking checks failed; the published file is unchanged:\n"
                    + "\n".join(o.summary() for o in gate.blocking)
                )
        result = publish(
            con,
            target,
            run_id=context.run.run_id,
            as_of=dt.date.fromisoformat(run_config.as_of) if run_config.as_of else None,
            docs=_docs(project),
            allow_columns=config.publish.allow_columns,
            names=project.published,
        )
    metadata: dict[str, Any] = {
        "path": dg.MetadataValue.path(str(result.target)),
        "parquet": dg.MetadataValue.path(str(result.parquet_dir)),
        "as_of": str(result.as_of) if result.as_of else "",
        "tables": dg.MetadataValue.json(result.row_counts),
        "dagster/row_count": sum(result.row_counts.values()),
        "seconds": round(result.seconds, 3),
    }
    return dg.MaterializeResult(metadata=metadata)


def _docs(project: "Project") -> dict[str, Any]:
    """Descriptions of every mart model and its columns, from the model YAML."""
    from pipeline.publish import TableDoc

    return {
        name: TableDoc(
            model.description,
            {column: doc.description for column, doc in model.columns.items()},
        )
        for name, model in project.models.items()
        if model.schema == "marts"
    }


def build_publish_defs(
    models_dir: "Project | Path | str", config: GateConfig | None = None
) -> dg.Definitions:
    config = config or load_config()
    return dg.Definitions(assets=[publish_asset(models_dir, load_checks(config), config)])


def build_quality_and_publish_defs(models_dir: "Project | Path | str") -> dg.Definitions:
    """The load gate's asset checks and `publish/marts` (what `pipeline.definitions` merges)."""
    config = load_config()
    return dg.Definitions.merge(
        build_quality_defs(config), build_publish_defs(as_project(models_dir), config)
    )


__all__ = ["PUBLISH_KEY", "PublishConfig", "build_publish_defs", "build_quality_and_publish_defs"]

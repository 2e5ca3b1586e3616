"""`publish/marts`: after every mart and its checks, publish the marts file BI tools read.

The asset refuses to publish when a blocking check failed in this run (Dagster skips it then
anyway) and runs the gate itself for any gate check the run did not evaluate, so selecting
`publish/marts` alone never publishes unchecked data.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from checks.config import GateConfig, load_config
from checks.registry import Check
from pipeline.defs.models import as_project
from pipeline.defs.quality import active_checks, asset_key, build_quality_defs, check_key
from pipeline.defs.quality import model_relations as _model_relations
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
    models_dir: "Project | Path | str", checks: list[Check], gate_config: GateConfig
) -> dg.AssetsDefinition:
    project = as_project(models_dir)
    relations = _model_relations(project)
    marts = [key for relation, key in relations.items() if relation.startswith("marts.")]
    guarded = {asset_key(c.relation) for c in checks}
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
    checks: list[Check],
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
    with warehouse.connect() as con:
        if unchecked:
            gate = run_gate(con, unchecked, config)
            context.log.info(f"gate run by publish ({len(unchecked)} checks): {gate.seconds:.2f}s")
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
    models_dir = as_project(models_dir)
    checks = [c for c in active_checks(models_dir) if config.for_check(c.relation, c.name).enabled]
    return dg.Definitions(assets=[publish_asset(models_dir, checks, config)])


def build_quality_and_publish_defs(models_dir: "Project | Path | str") -> dg.Definitions:
    """The gate's asset checks and `publish/marts` (what `pipeline.definitions` merges)."""
    config = load_config()
    models_dir = as_project(models_dir)
    return dg.Definitions.merge(
        build_quality_defs(models_dir, config), build_publish_defs(models_dir, config)
    )


__all__ = ["PUBLISH_KEY", "PublishConfig", "build_publish_defs", "build_quality_and_publish_defs"]

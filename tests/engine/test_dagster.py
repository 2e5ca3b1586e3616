"""The models multi-asset: a snapshot of keys, deps and checks; real runs with `materialize`."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.models import build_model_defs, models_asset
from pipeline.defs.resources import WarehouseResource
from pipeline.engine import load_project
from pipeline.warehouse import connect
from tests.engine.conftest import FIXTURE_PROJECT, load_fixture_raw

ACC = dg.AssetKey(["staging", "stg_salesforce__account"])
OPP = dg.AssetKey(["staging", "stg_salesforce__opportunity"])
REV = dg.AssetKey(["marts", "fct_revenue_by_account"])
DEALS = dg.AssetKey(["marts", "fct_large_deals"])
RELATIONSHIP = "relationships_account_id__stg_salesforce__account"


@pytest.fixture(scope="module")
def asset() -> dg.AssetsDefinition:
    return models_asset(load_project(FIXTURE_PROJECT / "models"))


@pytest.fixture
def warehouse(tmp_path: Path) -> WarehouseResource:
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        load_fixture_raw(con)
    return WarehouseResource(path=str(path))


def test_snapshot_of_assets_and_deps(asset: dg.AssetsDefinition) -> None:
    snapshot = {
        spec.key.to_user_string(): (
            sorted(dep.asset_key.to_user_string() for dep in spec.deps),
            spec.group_name,
            sorted(spec.kinds),
            spec.owners,
        )
        for spec in asset.specs
    }
    assert snapshot == {
        "staging/stg_salesforce__account": (
            ["raw/salesforce/Account"], "staging", ["duckdb", "sql"], []
        ),
        "staging/stg_salesforce__opportunity": (
            ["raw/salesforce/Opportunity"], "staging", ["duckdb", "sql"], ["team:revops"]
        ),
        "marts/fct_revenue_by_account": (
            ["staging/stg_salesforce__account", "staging/stg_salesforce__opportunity"],
            "marts", ["duckdb", "sql"], ["revops@example.com"],
        ),
        "marts/fct_large_deals": (
            ["staging/stg_salesforce__opportunity"], "marts", ["duckdb", "sql"], []
        ),
    }  # fmt: skip
    assert asset.can_subset


def test_snapshot_of_checks(asset: dg.AssetsDefinition) -> None:
    checks = {
        (spec.asset_key.to_user_string(), spec.name): (
            spec.blocking,
            sorted(d.asset_key.to_user_string() for d in spec.additional_deps),
        )
        for spec in asset.check_specs
    }
    assert checks == {
        ("staging/stg_salesforce__account", "unique_account_id"): (True, []),
        ("staging/stg_salesforce__account", "not_null_account_id"): (True, []),
        ("staging/stg_salesforce__account", "accepted_values_industry"): (False, []),
        ("staging/stg_salesforce__opportunity", "unique_opportunity_id"): (True, []),
        ("staging/stg_salesforce__opportunity", "not_null_opportunity_id"): (True, []),
        ("staging/stg_salesforce__opportunity", RELATIONSHIP): (
            True, ["staging/stg_salesforce__account"]
        ),
        ("marts/fct_revenue_by_account", "unique_account_id"): (True, []),
        ("marts/fct_revenue_by_account", "not_null_account_id"): (True, []),
        ("marts/fct_revenue_by_account", "assert_won_amount_not_negative"): (True, []),
    }  # fmt: skip


def test_descriptions_code_versions_and_code_references(asset: dg.AssetsDefinition) -> None:
    spec = next(s for s in asset.specs if s.key == REV)
    assert spec.description == "Won revenue per account."
    assert spec.code_version and len(spec.code_version) == 16
    [reference] = spec.metadata["dagster/code_references"].code_references
    assert reference.file_path.endswith("models/marts/fct_revenue_by_account.sql")


def test_definitions_load(tmp_path: Path) -> None:
    resources = dg.Definitions(resources={"warehouse": WarehouseResource(path="unused.duckdb")})
    defs = dg.Definitions.merge(build_model_defs(FIXTURE_PROJECT / "models"), resources)
    keys = set(defs.resolve_asset_graph().get_all_asset_keys())
    assert {ACC, OPP, REV, DEALS} <= keys


def test_materialize_all_with_metadata(
    asset: dg.AssetsDefinition, warehouse: WarehouseResource
) -> None:
    result = dg.materialize([asset], resources={"warehouse": warehouse})
    assert result.success
    events = {
        e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    assert set(events) == {ACC, OPP, REV, DEALS}
    revenue = events[REV]
    assert revenue["dagster/row_count"].value == 3
    assert revenue["dagster/table_name"].value == "w.marts.fct_revenue_by_account"
    columns = {c.name: c.description for c in revenue["dagster/column_schema"].schema.columns}
    assert columns == {
        "account_id": "Salesforce account id.",
        "account_name": None,
        "won_deals": None,
        "won_amount": "Sum of won opportunity amounts.",
    }
    lineage = revenue["dagster/column_lineage"].lineage.deps_by_column
    assert lineage["account_name"] == [dg.TableColumnDep(ACC, "account_name")]
    assert lineage["won_amount"] == [dg.TableColumnDep(OPP, "amount")]  # via the ephemeral CTE
    assert events[ACC]["dagster/row_count"].value == 3  # views are counted for Dagster
    assert events[ACC]["dagster/column_lineage"].lineage.deps_by_column["account_id"] == [
        dg.TableColumnDep(dg.AssetKey(["raw", "salesforce", "Account"]), "id")
    ]
    checks = {(e.asset_key, e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert len(checks) == 9 and all(checks.values())


def test_subset_builds_only_the_selection(
    asset: dg.AssetsDefinition, warehouse: WarehouseResource
) -> None:
    result = dg.materialize(
        [asset], resources={"warehouse": warehouse}, selection=dg.AssetSelection.assets(ACC)
    )
    assert result.success
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [ACC]
    assert {e.check_name for e in result.get_asset_check_evaluations()} == {
        "unique_account_id", "not_null_account_id", "accepted_values_industry"
    }  # fmt: skip
    with connect(warehouse.path, read_only=True) as con:
        tables = con.execute("select table_name from information_schema.tables "
                             "where table_schema <> 'raw'").fetchall()  # fmt: skip
    assert tables == [("stg_salesforce__account",)]


def test_blocking_check_failure_stops_downstream(
    tmp_path: Path, warehouse: WarehouseResource
) -> None:
    models = tmp_path / "models"
    shutil.copytree(FIXTURE_PROJECT / "models", models)
    with connect(warehouse.path) as con:
        con.execute("insert into raw.salesforce__account values ('001A', 'Acme again', null)")
    asset = models_asset(load_project(models))
    result = dg.materialize([asset], resources={"warehouse": warehouse}, raise_on_error=False)
    assert not result.success
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert built == {ACC, OPP, DEALS}  # fct_revenue_by_account is downstream of the failure
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert set(failed) == {"unique_account_id"}
    metadata = failed["unique_account_id"].metadata
    assert metadata["failing_rows"].value == 1
    assert metadata["failing_sample"].value == [{"unique_field": "001A", "n_records": 2}]
    assert {"checked_rows", "failing_rate", "severity", "outcome"} <= set(metadata)


def test_check_without_its_asset_tests_the_existing_relation(
    asset: dg.AssetsDefinition, warehouse: WarehouseResource
) -> None:
    dg.materialize([asset], resources={"warehouse": warehouse})
    check = dg.AssetCheckKey(REV, "unique_account_id")
    result = dg.materialize(
        [asset], resources={"warehouse": warehouse}, selection=dg.AssetSelection.checks(check)
    )
    assert result.success
    assert result.get_asset_materialization_events() == []
    assert [(e.asset_check_key, e.passed) for e in result.get_asset_check_evaluations()] == [
        (check, True)
    ]


def test_empty_models_folder_gives_no_assets(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    assert list(build_model_defs(tmp_path / "models").assets or []) == []

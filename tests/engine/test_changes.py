"""Change tracking: an incremental model declares `changes_from`, reads `new_loads(source)`,
`changed_rows`/`changed_keys` and `rebuilt()`, and the engine records what each build
consumed in `meta.model_state`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.engine import build, last_builds, load_project, rebuilt_relation
from pipeline.engine.errors import ConfigError
from tests.engine.conftest import rows, write_models

SOURCES_YML = """\
sources:
  - name: meta
    schema: meta
    tables: [{name: load_log, identifier: load_log}]
  - name: crm
    schema: raw
    tables: [{name: people, identifier: crm__people}, {name: deals, identifier: crm__deals}]
"""
# Deals per load: a night adds only the deals of the loads this model has not consumed.
DEAL_LOADS = """
{{ config(materialized='incremental', incremental_strategy='append',
          changes_from=[source('crm', 'deals')]) }}
select deal_id, amount, _load_id
from {{ source('crm', 'deals') }}
{% if is_incremental() %}
where _load_id in ({{ new_loads(source('crm', 'deals')) }})
{% endif %}
"""
# Members per team: a night recounts the teams a person joined or left (the old and the new
# team of a move), and a team left empty is deleted (its key is rebuilt but has no row).
TEAM_SIZES = """
{{ config(materialized='incremental', unique_key='team', incremental_strategy='delete+insert',
          changes_from=[source('crm', 'people')]) }}
{% macro rebuild() -%}
    {{ changed_keys(source('crm', 'people'), 'team', ['person_id', 'team']) }}
{%- endmacro %}
select team, count(*) as members
from {{ source('crm', 'people') }}
{% if is_incremental() %}
where team in (select team from {{ rebuilt() }})
{% endif %}
group by team
"""


def models(root: Path, files: dict[str, str]) -> Path:
    folder = write_models(root / "models", files)
    (folder / "sources.yml").write_text(SOURCES_YML)
    return folder


@pytest.fixture
def crm(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("create schema meta")
    con.execute("create table meta.load_log (load_id varchar, system varchar, object varchar)")
    con.execute("insert into meta.load_log values ('L1', 'crm', 'deals'), ('P1', 'crm', 'people')")
    con.execute(
        "create table raw.crm__deals as select * from (values "
        "(1, 100, 'L1'), (2, 250, 'L1')) as t(deal_id, amount, _load_id)"
    )
    con.execute(
        "create table raw.crm__people as select * from (values "
        "(1, 'a'), (2, 'a'), (3, 'b'), (4, 'c')) as t(person_id, team)"
    )
    return con


def run(con: duckdb.DuckDBPyConnection, folder: Path, name: str, **options: bool) -> None:
    [result] = build(con, load_project(folder), [name], **options)
    assert result.ok, result.message


def test_new_loads_are_the_loads_of_the_source_not_consumed_yet(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = models(tmp_path, {"marts/deal_loads.sql": DEAL_LOADS})
    run(crm, folder, "deal_loads")
    crm.execute("insert into meta.load_log values ('L2', 'crm', 'deals'), ('P2', 'crm', 'people')")
    crm.execute("insert into raw.crm__deals values (3, 40, 'L2')")
    run(crm, folder, "deal_loads")
    # appended once each: deals 1 and 2 were not read again on the night
    assert rows(crm, "select * from marts.deal_loads") == [
        (1, 100, "L1"),
        (2, 250, "L1"),
        (3, 40, "L2"),
    ]
    consumed = (
        "select item from meta.model_state where model = 'marts.deal_loads' and kind = 'load'"
    )
    assert rows(crm, consumed) == [("L1",), ("L2",)]  # not the people loads P1, P2


def test_a_night_rebuilds_the_changed_keys_and_deletes_the_gone_ones(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = models(tmp_path, {"marts/team_sizes.sql": TEAM_SIZES})
    run(crm, folder, "team_sizes")
    # person 2 moves from a to b; person 4, team c's only member, leaves
    crm.execute("update raw.crm__people set team = 'b' where person_id = 2")
    crm.execute("delete from raw.crm__people where person_id = 4")
    run(crm, folder, "team_sizes")
    assert rows(crm, "select * from marts.team_sizes") == [("a", 1), ("b", 2)]
    rebuilt = rebuilt_relation(crm, "marts.team_sizes")
    assert rebuilt is not None
    assert rows(crm, f"select team from {rebuilt}") == [("a",), ("b",), ("c",)]


def test_a_night_without_changes_rebuilds_nothing(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = models(tmp_path, {"marts/team_sizes.sql": TEAM_SIZES})
    run(crm, folder, "team_sizes")
    run(crm, folder, "team_sizes")
    rebuilt = rebuilt_relation(crm, "marts.team_sizes")
    assert rebuilt is not None
    assert rows(crm, f"select * from {rebuilt}") == []
    assert rows(crm, "select * from marts.team_sizes") == [("a", 2), ("b", 1), ("c", 1)]


def test_a_full_build_keeps_no_rebuilt_keys_and_no_increment(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = models(tmp_path, {"marts/team_sizes.sql": TEAM_SIZES})
    run(crm, folder, "team_sizes")
    run(crm, folder, "team_sizes")
    assert last_builds(crm)["marts.team_sizes"].increment is not None
    run(crm, folder, "team_sizes", full_refresh=True)
    assert rebuilt_relation(crm, "marts.team_sizes") is None
    assert last_builds(crm)["marts.team_sizes"].increment is None


def test_a_model_without_recorded_state_is_built_whole(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = models(tmp_path, {"marts/deal_loads.sql": DEAL_LOADS})
    run(crm, folder, "deal_loads")
    crm.execute("delete from meta.model_state")  # e.g. a warehouse made before change tracking
    run(crm, folder, "deal_loads")
    assert rows(crm, "select deal_id from marts.deal_loads") == [(1,), (2,)]  # not appended twice
    assert last_builds(crm)["marts.deal_loads"].parent_build_id is None


def test_a_changed_rows_input_records_the_upstream_build_it_read(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    upstream = DEAL_LOADS
    reader = """
    {{ config(materialized='incremental', unique_key='deal_id',
              changes_from=[ref('deal_loads')]) }}
    select deal_id, amount * 2 as doubled from {{ ref('deal_loads') }}
    {% if is_incremental() %}
    where deal_id in ({{ changed_keys(ref('deal_loads'), 'deal_id') }})
    {% endif %}
    """
    folder = models(tmp_path, {"marts/deal_loads.sql": upstream, "marts/doubled.sql": reader})
    project = load_project(folder)
    assert all(r.ok for r in build(crm, project, ["deal_loads", "doubled"]))
    consumed = crm.execute(
        "select item from meta.model_state where model = 'marts.doubled' and kind = 'build'"
    ).fetchone()
    assert consumed == (last_builds(crm)["marts.deal_loads"].build_id,)


def test_a_helper_reading_an_undeclared_input_names_the_file_and_the_key(
    crm: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    undeclared = DEAL_LOADS.replace("changes_from=[source('crm', 'deals')]", "unique_key='deal_id'")
    folder = models(tmp_path, {"marts/deal_loads.sql": undeclared})
    with pytest.raises(ConfigError) as raised:
        load_project(folder)
    message = str(raised.value)
    assert "deal_loads.sql" in message
    assert "changes_from" in message and "source:crm.deals" in message


def test_changes_from_on_a_table_model_is_refused(tmp_path: Path) -> None:
    table = "{{ config(materialized='table', changes_from=[source('crm', 'deals')]) }}\nselect 1"
    folder = models(tmp_path, {"marts/t.sql": table})
    with pytest.raises(ConfigError, match=r"t\.sql.*'changes_from' applies to incremental"):
        load_project(folder)


def test_changes_from_naming_an_unknown_model_is_refused(tmp_path: Path) -> None:
    folder = models(tmp_path, {"marts/t.sql": "select 1 as x"})
    (folder / "marts" / "_models.yml").write_text(
        "models:\n  - name: t\n"
        "    config: {materialized: incremental, changes_from: ['ref:nope']}\n"
    )
    with pytest.raises(ConfigError, match=r"_models\.yml.*'ref:nope' is not a known"):
        load_project(folder)

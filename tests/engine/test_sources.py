"""models/sources.yml declares exactly the landing-zone contract, and the real project loads."""

from __future__ import annotations

from pipeline.engine import load_project
from pipeline.engine.yamlio import read_yaml
from pipeline.ingest.objects import OBJECTS
from pipeline.ingest.sources_yml import sources_document, sources_yaml
from pipeline.settings import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"


def test_every_object_is_declared_and_nothing_else() -> None:
    document = read_yaml(MODELS / "sources.yml")
    declared = {(s["name"], t["name"]) for s in document["sources"] for t in s["tables"]}
    assert declared == {(o.system, o.name) for o in OBJECTS}


def test_sources_resolve_to_raw_tables_and_ingest_assets() -> None:
    project = load_project(MODELS)
    for obj in OBJECTS:
        source = project.sources[(obj.system, obj.name)]
        assert source.relation == obj.qualified_table
        assert source.asset_key == obj.asset_path


def test_generated_document_lists_each_column() -> None:
    document = sources_document(OBJECTS)
    tables = {(s["name"], t["name"]): t for s in document["sources"] for t in s["tables"]}
    opportunity = tables[("salesforce", "Opportunity")]
    assert [c["name"] for c in opportunity["columns"]][:3] == ["id", "is_deleted", "account_id"]
    assert [c["name"] for c in tables[("fx", "ecb_rates")]["columns"]] == [
        "date",
        "currency",
        "rate_per_eur",
    ]


def test_sources_yml_is_the_generated_file() -> None:
    assert (MODELS / "sources.yml").read_text(encoding="utf-8") == sources_yaml(OBJECTS)


def test_the_seeds_source_declares_each_seed_csv_and_describes_none() -> None:
    from pipeline.seeds import seed_files

    seeds = {
        t.name: t for (source, _), t in load_project(MODELS).sources.items() if source == "seeds"
    }
    assert sorted(seeds) == sorted(p.stem for p in seed_files(PROJECT_ROOT / "seeds"))
    assert all(t.relation == f"seeds.{name}" and not t.description for name, t in seeds.items())

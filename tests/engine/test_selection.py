"""dbt-style selection on the fixture project.

Graph: stg_salesforce__account -> fct_revenue_by_account
       stg_salesforce__opportunity -> int_won_opportunities (ephemeral)
           -> fct_revenue_by_account, int_large_won (ephemeral) -> fct_large_deals
"""

from __future__ import annotations

import pytest

from pipeline.engine import Project, load_project, select
from tests.engine.conftest import FIXTURE_PROJECT

ACC, OPP = "stg_salesforce__account", "stg_salesforce__opportunity"
WON, LARGE = "int_won_opportunities", "int_large_won"
REV, DEALS = "fct_revenue_by_account", "fct_large_deals"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(FIXTURE_PROJECT / "models")


@pytest.mark.parametrize(
    ("spec", "exclude", "expected"),
    [
        (None, None, [ACC, OPP, WON, REV, LARGE, DEALS]),
        ("fct_large_deals", None, [DEALS]),
        ("+fct_large_deals", None, [OPP, WON, LARGE, DEALS]),
        ("1+fct_large_deals", None, [LARGE, DEALS]),
        ("stg_salesforce__opportunity+", None, [OPP, WON, REV, LARGE, DEALS]),
        ("stg_salesforce__opportunity+1", None, [OPP, WON]),
        ("+int_won_opportunities+", None, [OPP, WON, REV, LARGE, DEALS]),
        ("tag:marts", None, [REV, DEALS]),
        ("tag:salesforce", None, [OPP]),
        ("path:staging", None, [ACC, OPP]),
        ("path:models/intermediate", None, [WON, LARGE]),
        ("marts/fct_large_deals.sql", None, [DEALS]),
        ("config.materialized:ephemeral", None, [WON, LARGE]),
        ("source:salesforce.Account", None, [ACC]),
        ("source:salesforce.Account+", None, [ACC, REV]),
        ("stg_*", None, [ACC, OPP]),
        ("fct_large_deals stg_salesforce__account", None, [ACC, DEALS]),
        (["fct_large_deals", "stg_salesforce__account"], None, [ACC, DEALS]),
        ("tag:marts,+fct_large_deals", None, [DEALS]),
        ("+fct_revenue_by_account", "config.materialized:ephemeral", [ACC, OPP, REV]),
        (None, "path:staging tag:marts", [WON, LARGE]),
        ("stg_salesforce__opportunity+", "fct_large_deals+", [OPP, WON, REV, LARGE]),
    ],
)
def test_select(
    project: Project, spec: str | list[str] | None, exclude: str | None, expected: list[str]
) -> None:
    assert select(project, spec, exclude) == expected

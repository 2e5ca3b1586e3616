"""Dirt injected into a built warehouse: what the gate must catch."""

from __future__ import annotations

from pathlib import Path

from pipeline.warehouse import connect


def make_dirty(warehouse: Path) -> dict[str, str]:
    """A duplicated person (same email, new id), a duplicated opportunity id and a negative
    spend row. Returns the keys that must show up in the failing samples."""
    with connect(warehouse) as con:
        person = con.execute(
            "select person_id, email from marts.dim_person where email like '%@%.%' "
            "and is_valid_email and not is_role_mailbox order by person_id limit 1"
        ).fetchone()
        assert person
        con.execute(
            "insert into marts.dim_person by name select * replace ('dup-' || person_id as "
            "person_id) from marts.dim_person where person_id = ?",
            [person[0]],
        )
        opportunity = con.execute(
            "select opportunity_id from marts.fct_opportunity order by 1 limit 1"
        ).fetchone()
        assert opportunity
        con.execute(
            "insert into marts.fct_opportunity select * from marts.fct_opportunity "
            "where opportunity_id = ?",
            [opportunity[0]],
        )
        spend = con.execute(
            "select campaign_id from marts.fct_ad_spend_daily order by ad_spend_id limit 1"
        ).fetchone()
        assert spend
        con.execute(
            "update marts.fct_ad_spend_daily set spend = -12.5 where ad_spend_id = "
            "(select min(ad_spend_id) from marts.fct_ad_spend_daily)"
        )
    return {"email": str(person[1]), "opportunity_id": str(opportunity[0]),
            "campaign_id": str(spend[0])}  # fmt: skip

"""Change-data-capture macros: keep the latest delivered version of each record."""

from __future__ import annotations

SALESFORCE_ORDER = (
    "system_modstamp desc nulls last, last_modified_date desc nulls last, "
    "fivetran_synced desc nulls last, _file desc, _line desc"
)


def latest_versions(relation: str, key: str, order: str) -> str:
    """A parenthesised query of the latest row per `key` of `relation` by `order`.

    Keys delivered once pass straight through; only re-delivered keys go through the
    row_number window, which would otherwise sort every row with its whole width (the 16M
    CampaignMember rows at 1M people: 31.1 s against 21.5 s). NULL keys form one key, as in a
    window's partition.
    """
    return f"""(
    with redelivered as (
        select {key}
        from {relation}
        group by {key}
        having count(*) > 1
    )

    select delivered.*
    from {relation} as delivered
    anti join redelivered on redelivered.{key} is not distinct from delivered.{key}

    union all

    select *
    from (
        select delivered.*
        from {relation} as delivered
        semi join redelivered on redelivered.{key} is not distinct from delivered.{key}
    ) as redelivered_versions
    qualify row_number() over (partition by {key} order by {order}) = 1
)"""


def latest_salesforce_versions(relation: str, key: str = "id") -> str:
    """`latest_versions` for a Salesforce object.

    Salesforce re-delivers a record with a newer `SystemModstamp`; connector extracts may only
    carry `LastModifiedDate` or `_fivetran_synced`. Ties fall to the later delivery (file name,
    then line), so the result is deterministic.
    """
    return latest_versions(relation, key, SALESFORCE_ORDER)

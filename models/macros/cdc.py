"""Change-data-capture macros: keep the latest delivered version of each record."""

from __future__ import annotations


def latest_salesforce_version(key: str = "id") -> str:
    """A `qualify` keeping the latest version per `key`.

    Salesforce re-delivers a record with a newer `SystemModstamp`; connector extracts may only
    carry `LastModifiedDate` or `_fivetran_synced`. Ties fall to the later delivery (file name,
    then line), so the result is deterministic.
    """
    return (
        f"qualify row_number() over (\n"
        f"        partition by {key}\n"
        f"        order by system_modstamp desc nulls last, last_modified_date desc nulls last,\n"
        f"            fivetran_synced desc nulls last, _file desc, _line desc\n"
        f"    ) = 1"
    )

"""Macros for ad platform models: where a LinkedIn row's account comes from.

LinkedIn's adAnalytics API names the account only in the request, so its rows often carry no
account id. The account is the row's `account_id` (digits of a sponsoredAccount URN or a
number), else the digits after `account_` (or `account-`, any case) in the landing file's name
(`linkedin_ads/ad_analytics/ad_analytics_account_508000001_2026-10-31.json`), else `unknown`.
"""

from __future__ import annotations

UNKNOWN_ACCOUNT = "unknown"


def _digits(expression: str, pattern: str) -> str:
    return f"nullif(regexp_extract({expression}, '{pattern}', 1), '')"


def account_from_row(account_id: str) -> str:
    """SQL: the digits at the end of the row's account id, or null."""
    return _digits(f"trim({account_id})", "([0-9]+)$")


def account_from_file(file: str) -> str:
    """SQL: the digits after `account_` in the file's name (not its folders), or null."""
    return _digits(f"regexp_extract({file}, '[^/]*$')", "(?i)account[_-]?([0-9]+)")


def linkedin_account_id(account_id: str, file: str) -> str:
    """SQL: the row's account, else the file name's, else 'unknown' (module doc)."""
    return (
        f"coalesce({account_from_row(account_id)}, {account_from_file(file)}, '{UNKNOWN_ACCOUNT}')"
    )


def linkedin_account_source(account_id: str, file: str) -> str:
    """SQL: where `linkedin_account_id` found the account: row, file_name or unknown."""
    return (
        f"case when {account_from_row(account_id)} is not null then 'row' "
        f"when {account_from_file(file)} is not null then 'file_name' else 'unknown' end"
    )

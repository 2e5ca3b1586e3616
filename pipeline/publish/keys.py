"""Published person keys that cannot be traced back to a CRM or MAP id.

Inside the warehouse `person_id` is `md5` of the person's best record key
(`1|salesforce|Contact|<Salesforce id>`) and `touch_id` names its source record: anyone holding
CRM ids could compute or read them. At publish time every such column is replaced by
`sha256(salt || value)`: the same person keeps the same key in every mart and every run (the
salt is fixed), and without the salt nobody can compute it. The salt is `MOPS_PERSON_KEY_SALT`,
else a random one generated on first publish into `.mops_person_key_salt` beside the warehouse
(mode 0600). Losing or changing the salt changes every published key.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.sqltext import identifier, literal

if TYPE_CHECKING:
    import duckdb

PERSON_KEYS = re.compile(r"(^|_)(person_id|touch_id)$")
"""Published columns that identify a person or one of their records: `person_id`,
`primary_person_id`, `touch_id`, ..."""
SALT_FILE = ".mops_person_key_salt"


def key_columns(
    con: duckdb.DuckDBPyConnection, schema: str, tables: Sequence[str]
) -> dict[str, list[str]]:
    """table -> its person-key columns, among `schema.tables`."""
    if not tables:
        return {}
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? "
        "and list_contains(?, table_name) order by table_name, ordinal_position",
        [schema, list(tables)],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        if PERSON_KEYS.search(str(column).lower()):
            found.setdefault(str(table), []).append(str(column))
    return found


def salted(column: str, salt: str) -> str:
    """SQL for the published key of `column` (null stays null)."""
    return f"sha256({literal(salt)} || {identifier(column)}::varchar)"


def warehouse_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return Path(str(row[0])).resolve().parent if row and row[0] else None


def salt(folder: Path, configured: str | None = None) -> str:
    """`configured` (MOPS_PERSON_KEY_SALT), else the salt kept in `folder`, made on first use."""
    if configured:
        return configured
    path = folder / SALT_FILE
    if not path.exists():
        _create(path)
    return path.read_text().strip()


def _create(path: Path) -> None:
    """Write a new salt, atomically: a concurrent first publish keeps the one linked first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (secrets.token_hex(32) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()

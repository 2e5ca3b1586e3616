"""The quality gate: Pandera models and SQL checks that must pass before the marts are published.

`checks.registry` lists the checks (light to import), `checks.schemas` the Pandera models,
`checks.gate` runs them on a DuckDB connection, `checks/config.yml` holds severities and
thresholds.
"""

from checks.config import CheckSettings, GateConfig, load_config
from checks.registry import CHECKS, Check, SchemaCheck, SqlCheck, check_id

__all__ = [
    "CHECKS",
    "Check",
    "CheckSettings",
    "GateConfig",
    "SchemaCheck",
    "SqlCheck",
    "check_id",
    "load_config",
]

"""The gate before publishing: the load gate on the files a run loaded (`checks.loads`), the
Pandera models the project's `pandera` tests name (`checks.schemas`), and `checks.gate`, which
runs the load gate and every data test of the project on a built warehouse.
`checks/config.yml` holds the load gate's thresholds and the publishing allow-list.
"""

from checks.config import CheckSettings, GateConfig, load_config

__all__ = ["CheckSettings", "GateConfig", "load_config"]

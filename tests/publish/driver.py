"""One build in a process of its own, to be killed: models, gate, publish.

    python -m tests.publish.driver <warehouse> <marts.duckdb> <run id> [--publish-only]

Prints `published <run id>` on success, exits 2 when the gate blocks.
"""

from __future__ import annotations

import sys

from checks.gate import run_gate
from pipeline.engine import build, load_project
from pipeline.publish import publish
from pipeline.settings import Settings
from pipeline.warehouse import connect


def main(warehouse: str, target: str, run_id: str, publish_only: bool) -> int:
    with connect(warehouse) as con:
        project = load_project(Settings.from_env().models_dir)
        if not publish_only:
            failed = [r for r in build(con, project, list(project.models)) if not r.ok]
            if failed:
                print("\n".join(f"{r.name}: {r.message}" for r in failed), file=sys.stderr)
                return 1
        gate = run_gate(con)
        if not gate.passed:
            print(gate.report(), file=sys.stderr)
            return 2
        publish(con, target, run_id=run_id, names=project.published)
    print(f"published {run_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], "--publish-only" in sys.argv[4:]))

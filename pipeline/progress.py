"""`mops build`'s progress: one line as each stage of the run starts (ingest, load gate, seeds,
models n/N with the checks run so far, publish, report), read from the run's Dagster events as they
happen."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

STAGES = {"load_gate": "load gate", "seeds": "seeds", "mops_models": "models",
          "publish__marts": "publish"}  # fmt: skip
INGEST_PREFIX = "raw__"
REPORT_PREFIX = "report__"
STEPS_PER_MODEL_LINE = 8  # models n/N is printed about this many times


def stage_of(step_key: str) -> str:
    if step_key.startswith(INGEST_PREFIX):
        return "ingest"
    if step_key.startswith(REPORT_PREFIX):
        return "report"
    return STAGES.get(step_key, step_key)


@dataclass
class Progress:
    """Turns events into lines; `models` is the number of models the run builds."""

    write: Callable[[str], None]
    models: int
    started: float = field(default_factory=time.monotonic)
    stage: str = ""
    built: int = 0
    checks_passed: int = 0
    checks_failed: int = 0

    def __call__(self, event: dg.DagsterEvent) -> None:
        step = event.step_key or ""
        if event.event_type == dg.DagsterEventType.STEP_START and stage_of(step) != self.stage:
            self.stage = stage_of(step)
            self._line(self._start_text())
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            if event.asset_check_evaluation_data.passed:
                self.checks_passed += 1
            else:
                self.checks_failed += 1
        elif event.is_step_materialization and self.stage == "models":
            self.built += 1
            every = max(1, self.models // STEPS_PER_MODEL_LINE)
            if self.built % every == 0 or self.built == self.models:
                key = event.asset_key.to_user_string() if event.asset_key else ""
                self._line(f"models {self.built}/{self.models} ({key}), {self._checks_text()}")

    def _checks_text(self) -> str:
        return f"checks {self.checks_passed} passed, {self.checks_failed} failed"

    def _start_text(self) -> str:
        if self.stage == "models":
            return f"models 0/{self.models}"
        return self.stage

    def _line(self, text: str) -> None:
        self.write(f"[{time.monotonic() - self.started:5.0f}s] {text}")

"""The funnel's rates are realistic (asserted on the in-memory world, before censoring)."""

from __future__ import annotations

from datetime import date

import numpy as np

from pipeline.generate.spec import DAY, NEVER, WorldSpec
from pipeline.generate.world import build_world


def test_stage_rates_follow_the_brief() -> None:
    world = build_world(WorldSpec(people=20_000, days=120, seed=5, end_date=date(2026, 10, 31)))
    p, d = world.people, world.deals
    mql = (p.mql_t < NEVER).mean()
    sql = p.sql_t < NEVER
    assert 0.30 <= mql <= 0.40
    assert 0.35 <= (sql & (p.mql_t < NEVER)).sum() / (p.mql_t < NEVER).sum() <= 0.45
    reached = p.sql_t < world.spec.t_end - 3 * DAY  # SQLs whose deal is not cut off by the window
    assert 0.45 <= ((p.opp_t < NEVER) & reached).sum() / reached.sum() <= 0.55
    assert (sql & (p.mql_t == NEVER)).any()  # some skip MQL
    person_deals = d.type != "Renewal"
    final = {}
    for opp, stage in zip(d.event_opp, d.event_stage, strict=True):
        final[int(opp)] = int(stage)
    new = [final[int(j)] for j in np.flatnonzero(person_deals & (d.created > world.spec.t_start))]
    won_share = np.mean([s == 5 for s in new])
    assert 0.15 <= won_share <= 0.35
    assert (d.amount >= 5_000).all() and (d.amount <= 200_000).all()

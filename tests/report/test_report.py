"""The report of a hand-made marts file (tests/report/marts_world.py): sections in order, the
summary's sentences and every figure they cite, key metrics, signals worst first, action items,
and the same file without targets or signals."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipeline.report import PeriodError, build_report, notes_path, parse_period
from tests.report.marts_world import build_marts

SECTIONS = ["summary", "key-metrics", "funnel-stages", "channels", "icp", "signals", "actions",
            "data-quality"]  # fmt: skip


class Page(HTMLParser):
    """Section ids in order, the summary's sentences as text, and every <data> figure."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.figures: list[dict[str, str]] = []
        self.sentences: list[str] = []
        self._in_summary = False
        self._item: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "section":
            self.sections.append(found.get("id", ""))
            self._in_summary = found.get("id") == "summary"
        elif tag == "li" and self._in_summary:
            self._item = []
        elif tag == "data":
            self.figures.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._item is not None:
            self.sentences.append("".join(self._item))
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item.append(data)


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: every test only reads it (each writes its reports into its own tmp_path)."""
    return build_marts(tmp_path_factory.mktemp("marts") / "marts.duckdb")


def _build(marts: Path, tmp_path: Path, **options: object) -> tuple[str, Path]:
    result = build_report(marts, tmp_path / "reports", "month", pdf=False, **options)  # type: ignore[arg-type]
    return result.html.read_text(encoding="utf-8"), result.html


def test_the_latest_complete_month_lands_in_its_file_with_every_section_in_order(
    marts: Path, tmp_path: Path
) -> None:
    html, path = _build(marts, tmp_path)
    assert path == tmp_path / "reports" / "month" / "2026-10.html"
    assert Page(html).sections == SECTIONS
    assert "Marketing performance: October 2026" in html
    assert not re.search(r"""(src|href)\s*=|url\(|<script|<link""", html)  # self-contained


def test_the_summary_sentences_carry_their_figures(marts: Path, tmp_path: Path) -> None:
    page = Page(_build(marts, tmp_path)[0])
    assert page.sentences == [
        "2 of the 3 primary KPIs with a target are on or ahead of it; furthest behind is "
        "Customer acquisition cost at 110.0 % of its target ($4,400 against $4,000).",
        "Pipeline created rose 25.0 % against the previous month, to $125,000 from $100,000.",
        "Marketing cost is up 25.0 % on the same month last year ($50,000 against $40,000).",
        "Pipeline created is furthest ahead of its target at 125.0 % ($125,000 against $100,000).",
        "2 risks and 1 opportunities are flagged for this month; the first to look at: New "
        "leads anomaly (outside median 100 +/- 3 x MAD 10).",
    ]


def test_every_summary_figure_equals_the_mart_value_it_cites(marts: Path, tmp_path: Path) -> None:
    page = Page(_build(marts, tmp_path)[0])
    con = duckdb.connect(str(marts), read_only=True)
    checked = 0
    for fig in page.figures:
        kpi, field, value = fig["data-kpi"], fig["data-field"], float(fig["value"])
        if kpi in ("primary", "signals"):
            continue
        column = "value / target" if field == "attainment" else field
        [(expected,)] = con.execute(
            f"select {column} from mart_kpis where kpi = ? and grain = 'month' and "
            "period_start = date '2026-10-01' and segment_type = 'total'",
            [kpi],
        ).fetchall()
        assert value == pytest.approx(expected), (kpi, field)
        checked += 1
    assert checked == 12


def test_key_metrics_show_value_target_attainment_and_changes_toned_by_direction(
    marts: Path, tmp_path: Path
) -> None:
    html = _build(marts, tmp_path)[0]
    row = re.search(r'<tr data-kpi="cac">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.sub(r"<svg.*?</svg>", "", row.group(1), flags=re.S)
    assert "$4,400" in cells and "$4,000" in cells and "110.0 %" in cells
    assert "behind target" in cells
    assert '<td class="num bad">▲ +10.0 %</td>' in cells  # CAC up: bad, whatever the sign
    pipeline = re.search(r'<tr data-kpi="pipeline_created">(.*?)</tr>', html, re.S)
    assert pipeline is not None
    assert '<td class="num good">▲ +25.0 %</td>' in pipeline.group(1)
    assert '<td class="num bad">▼ -16.7 %</td>' in pipeline.group(1)
    # 13 complete months and the incomplete November, marked
    assert pipeline.group(1).count('class="incomplete"') == 2
    assert "+5.0 pp" in html  # a ratio's change in percentage points


def test_funnel_channels_and_icp(marts: Path, tmp_path: Path) -> None:
    html = _build(marts, tmp_path)[0]
    funnel = re.search(r'<div id="funnel">(.*?)</div>', html, re.S)
    assert funnel is not None and funnel.group(1).startswith("<svg")
    for text in ("Leads: 200", "MQLs: 80", "SQLs: 40", "Opportunities: 10", "40.0 % converted, "
                 "median 3.5 days", "not mature yet"):  # fmt: skip
        assert text in html
    assert "<strong>position_based</strong> model" in html
    channel = re.search(r'<tr data-channel="paid_search">(.*?)</tr>', html, re.S)
    assert channel is not None
    assert [c for c in re.findall(r"<td[^>]*>(.*?)</td>", channel.group(1))] == [
        "paid_search", "marketing", "$30,000", "120", "$80,000", "$5,000", "250.0 %", "150.0 %",
    ]  # fmt: skip
    assert (
        '<td>New leads</td><td class="num">120</td><td class="num">70</td><td class="num">10'
        in html
    )


def test_signals_worst_first_and_one_action_per_risk_with_its_owner(
    marts: Path, tmp_path: Path
) -> None:
    html = _build(marts, tmp_path)[0]
    signals = html[html.index('<section id="signals">') : html.index('<section id="actions">')]
    tags = r'<span class="tag \w+">(\w+)</span></td><td>([^<]+)'
    assert re.findall(tags, signals) == [
        ("risk", "New leads"), ("risk", "Customer acquisition cost"),
        ("opportunity", "Pipeline created"),
    ]  # fmt: skip
    actions = html[html.index('<section id="actions">') : html.index('<section id="data-quality">')]
    assert re.findall(r"<li><strong>([^<]+)</strong>: ([^:]+):", actions) == [
        ("demand generation", "New leads"),
        ("marketing leadership", "Customer acquisition cost"),
    ]


def test_data_quality_appendix(marts: Path, tmp_path: Path) -> None:
    html = _build(marts, tmp_path)[0]
    appendix = html[html.index('<section id="data-quality">') :]
    assert "As of <strong>2026-11-10</strong>; this month is complete." in appendix
    assert "Files loaded: 2 (1 rejected); rows read 310, quarantined 13." in appendix
    assert (
        "Duplicate record rate: 2.0 %. Unlinked ad spend: $1,500 (5.0 % of ad spend)." in appendix
    )
    assert (
        "<td>google_ads.campaign_stats</td><td>2025-01-01</td><td>2026-11-03</td>"
        '<td class="num">7</td>' in appendix
    )


def test_without_targets_or_signals_the_sections_say_so(tmp_path: Path) -> None:
    marts = build_marts(tmp_path / "bare.duckdb", targets=False, signals=False)
    page_html = _build(marts, tmp_path)[0]
    page = Page(page_html)
    assert page.sections == SECTIONS
    assert page.sentences[0] == (
        "No targets are set for this month: the 3 primary KPIs with data are judged against "
        "their own trend only."
    )
    assert len(page.sentences) == 3
    assert "No targets set" in page_html
    assert "No signals: the marts publish no mart_kpi_signals table." in page_html
    assert "No risks flagged: no action items." in page_html


def test_an_incomplete_period_is_judged_to_date_and_notes_are_included_verbatim(
    marts: Path, tmp_path: Path
) -> None:
    notes = notes_path(tmp_path / "reports", parse_period("month", "2026-11"))
    notes.parent.mkdir(parents=True)
    notes.write_text("Q4 push: <webinar> series starts 11-15 & runs 3 weeks\n", encoding="utf-8")
    html, path = _build(marts, tmp_path, period="2026-11")
    assert path.name == "2026-11.html"
    assert "incomplete period</strong>: 10 of 30 days" in html
    assert "target to date" in html
    assert "Q4 push: &lt;webinar&gt; series starts 11-15 &amp; runs 3 weeks" in html


def test_a_period_without_data_or_in_the_wrong_spelling_is_an_error_saying_what_to_do(
    marts: Path, tmp_path: Path
) -> None:
    with pytest.raises(PeriodError, match="has no month 2030-01"):
        _build(marts, tmp_path, period="2030-01")
    with pytest.raises(PeriodError, match="write it as 2026-Q4"):
        parse_period("quarter", "2026-10")
    assert parse_period("week", "2026-W43").start.isoformat() == "2026-10-19"
    assert parse_period("quarter", "2026-11-20").label == "2026-Q4"


def test_the_weekly_page_is_short_pacing_against_the_target_to_date(tmp_path: Path) -> None:
    marts = build_marts(tmp_path / "weeks.duckdb")
    con = duckdb.connect(str(marts))
    con.execute(
        "insert into mart_kpis (kpi, grain, period_start, period_end, segment_type, "
        "segment_value, value, change_pct_to_date, is_complete, days_elapsed, days_in_period, "
        "is_covered, target, attainment, target_to_date, on_pace) values "
        "('new_leads', 'week', date '2026-11-02', date '2026-11-08', 'total', 'total', 50, null,"
        " true, 7, 7, true, 40, 1.25, 40, null), "
        "('new_leads', 'week', date '2026-11-09', date '2026-11-15', 'total', 'total', 12, -20.0,"
        " false, 2, 7, true, 42, 0.2857, 12, true)"
    )
    con.close()
    result = build_report(marts, tmp_path / "reports", "week", "2026-11-09", pdf=False)
    html = result.html.read_text(encoding="utf-8")
    assert result.html.name == "2026-W46.html"
    assert Page(html).sections == ["summary", "key-metrics", "signals", "actions", "data-quality"]
    assert "2. Weekly pacing" in html and "incomplete period</strong>: 2 of 7 days" in html
    row = re.search(r'<tr data-kpi="new_leads">(.*?)</tr>', html, re.S)
    assert row is not None
    assert ">12<" in row.group(1) and "100.0 %" in row.group(1) and "on pace" in row.group(1)
    assert '<td class="num bad">▼ -20.0 %</td>' in row.group(1)  # vs the same days, toned


def test_every_total_signal_and_the_ten_worst_segment_ones_are_listed() -> None:
    from pipeline.report.data import Signal
    from pipeline.report.sections import shown_signals

    def signal(segment: str, severity: float) -> Signal:
        kind = "total" if segment == "total" else "channel"
        return Signal("cac", kind, segment, "anomaly", "risk", "rule", 1.0, 1.0, severity)

    found = [signal(f"c{i}", 20.0 - i) for i in range(12)] + [signal("total", 1.0)]
    shown, left_out = shown_signals(found)
    assert [s.segment_value for s in shown] == [f"c{i}" for i in range(10)] + ["total"]
    assert left_out == 2

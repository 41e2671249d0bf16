"""The review pack's own rules (journey_sla.app_logic.review_pack) on hand-made rows."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import pytest

from journey_sla.app_logic import review_pack


def effectiveness() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "policy_id": ["p_ok", "p_flat", "p_bad", "p_thin"],
            "description": ["OK", "Flat", "Bad", "Thin"],
            "verdict": ["effective", "no_measurable_effect", "harmful", "insufficient_data"],
            "conversion_rate_lift": [0.12, 0.01, -0.08, 0.3],
            "p_value": [0.001, 0.6, 0.01, None],
            "verdict_reason": ["a", "b", "c", "d"],
        }
    )


def test_revise_candidates_are_policies_whose_attainment_does_not_go_with_conversion() -> None:
    candidates = review_pack.revise_candidates(effectiveness())
    # Harmful (-8 pts) before no measurable effect (+1 pt); effective and thin data are not.
    assert candidates["policy_id"].tolist() == ["p_bad", "p_flat"]
    assert candidates["why"].tolist() == ["harmful", "no measurable effect"]
    assert candidates["lift_points"].tolist() == [-8.0, 1.0]


def test_caveats_name_failing_checks_and_the_cohort() -> None:
    quality = pd.DataFrame(
        {
            "check_name": ["orphans", "rejects", "fine"],
            "table_name": ["activities", "users", "journeys"],
            "detail": ["no owner", None, None],
            "severity": ["warning", "error", "info"],
            "finding_count": [3, 1200, 0],
            "is_passing": [False, False, True],
        }
    )
    notes = review_pack.caveats(quality, date(2026, 5, 1), date(2026, 2, 1), 90)
    assert notes == [
        "orphans on activities (no owner): 3 findings (warning)",
        "rejects on users: 1,200 findings (error)",
        "Conversion needs 90 days: attainment vs conversion shows the Feb 2026 cohort, the "
        "latest whose visits are all mature.",
    ]
    assert review_pack.caveats(quality.iloc[2:], date(2026, 5, 1), date(2026, 5, 1), 90) == []


def test_html_and_pdf_are_self_contained() -> None:
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "m": [date(2026, 5, 1)] * 2})).mark_point()
    pack = review_pack.Pack(
        title="T <1>",
        month=date(2026, 5, 1),
        facts=["As of now."],
        caveats=[],
        tiles=pd.DataFrame({"Measure": ["a"], "This month": ["1%"]}),
        charts={"scatter": chart.encode(x="x:Q")},
        tables={"Revise candidates": pd.DataFrame()},
    )
    page = review_pack.to_html(pack)
    assert "<script" not in page and "http" not in page.split("<svg", 1)[0]
    assert "T &lt;1&gt;" in page and "data-chart='scatter'" in page and "<svg" in page
    assert review_pack.to_pdf(pack).startswith(b"%PDF")


@pytest.mark.slow
def test_report_command_writes_html_and_pdf(warehouse_env, tmp_path, capsys) -> None:
    from journey_sla.cli import main

    assert main(["report", "--out", str(tmp_path / "review.pdf")]) == 0
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")
    assert main(["report", "--out", str(tmp_path / "review.html")]) == 0
    page = (tmp_path / "review.html").read_text()
    for heading in ("Headline", "Attainment vs conversion by policy", "Trend",
                    "SLA effectiveness verdicts", "Revise candidates",
                    "Routing compliance by team", "Top breaches to act on",
                    "Data-quality caveats"):  # fmt: skip
        assert heading in page, heading
    capsys.readouterr()
    assert main(["report", "--month", "1999-01", "--out", str(tmp_path / "x.html")]) == 2
    assert "no data for 1999-01" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path / "x.txt")]) == 2

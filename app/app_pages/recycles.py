"""Recycles: why journeys go back to nurture, whether the reason is recorded, who comes back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey_sla.app_logic import charts, data, sidebar, ui, wording

ui.require_warehouse()
filters = sidebar.current()

st.title("Recycles")
ui.filter_caption(filters, "dates are when the journey was recycled")

summary = data.recycle_summary(filters)
overall = summary[summary["group_kind"] == "all"]
if overall.empty or int(overall["recycles"].iloc[0]) == 0:
    st.info("No recycles under these filters.")
    st.stop()
overall = overall.iloc[0]

recycles = int(overall["recycles"])
tiles = st.columns(4)
tiles[0].metric("Recycles", f"{recycles:,}")
tiles[1].metric(
    "Without a valid reason code",
    wording.percent(overall["without_valid_reason"] / recycles),
    help="Missing, unknown, retired or not meant for recycles (seeds/reason_codes.csv).",
)
tiles[2].metric(
    "Came back into the funnel",
    wording.percent(overall["re_entered"] / recycles),
    help="Recycles followed by a funnel visit (a re-entry) up to as_of.",
)
tiles[3].metric(
    "Re-entry conversion",
    wording.percent(
        overall["reached_sql"] / overall["re_entered"] if overall["re_entered"] else None
    ),  # fmt: skip
    help="Of the re-entries, the share that reached SQL or a later stage.",
)

# --- pareto ----------------------------------------------------------------------------------
st.subheader("Reason codes")
reasons = summary[summary["group_kind"] == "reason"].sort_values(
    ["recycles", "reason_code"], ascending=[False, True]
)
reasons = reasons.assign(
    validity=reasons["has_valid_reason"].map({True: "valid", False: "not valid"}),
    share=reasons["recycles"] / recycles,
    cumulative_share=reasons["recycles"].cumsum() / recycles,
)[["reason_code", "validity", "recycles", "share", "cumulative_share", "re_entered"]]
ui.draw_chart(charts.reason_pareto(reasons))

# --- validity by team and owner --------------------------------------------------------------
st.subheader("Recycles without a valid reason code")
owners = summary[summary["group_kind"] == "owner"][["owner_id", "recycles", "without_valid_reason"]]
teams = owners.merge(data.owner_teams(), on="owner_id", how="left")
teams["owner_team"] = teams["owner_team"].fillna("unassigned")
by_team = teams.groupby("owner_team", as_index=False)[["recycles", "without_valid_reason"]].sum()
overall_share = overall["without_valid_reason"] / recycles


def shares(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return (
        frame.rename(columns={name: "name"})
        .assign(
            share_without_valid_reason=lambda f: f["without_valid_reason"] / f["recycles"],
            overall_share=overall_share,
        )
        .sort_values(["share_without_valid_reason", "recycles"], ascending=[False, False])
    )


team_shares = shares(by_team, "owner_team")
names = data.owner_names()
owner_shares = shares(
    owners.assign(owner=owners["owner_id"].map(lambda owner: names.get(owner, owner))), "owner"
).drop(columns="owner_id")
minimum = st.slider(
    "Owners with at least this many recycles",
    min_value=1,
    max_value=max(2, int(owners["recycles"].max())),
    value=min(10, max(1, int(owners["recycles"].max()))),
    key="min_recycles",
)
left, right = st.columns(2)
with left:
    st.markdown("**By team**")
    ui.draw_chart(charts.share_without_valid_code(team_shares, "Team"))
with right:
    st.markdown("**By owner** (the 20 with the highest share)")
    shown_owners = owner_shares[owner_shares["recycles"] >= minimum].head(20)
    if shown_owners.empty:
        st.info("No owner has that many recycles.")
    else:
        ui.draw_chart(charts.share_without_valid_code(shown_owners, "Owner"))
st.caption(f"Dashed line: all recycles ({wording.percent(overall_share)}).")

# --- re-entry --------------------------------------------------------------------------------
st.subheader("Coming back")
left, right = st.columns(2)
with left:
    st.markdown("**Time to re-entry**")
    bins = summary[(summary["group_kind"] == "bin") & summary["bin_start_days"].notna()]
    if bins.empty:
        st.info("No recycled journey has come back yet.")
    else:
        ui.draw_chart(charts.re_entry_histogram(bins))
        st.caption(
            f"Median {wording.days(overall['median_days_to_re_entry'])} from recycle to "
            "re-entry, over the journeys that came back."
        )
with right:
    st.markdown("**Re-entry and its conversion by nurture track**")
    tracks = summary[summary["group_kind"] == "track"]
    long = pd.concat(
        [
            tracks.assign(
                measure="Came back", value=tracks["re_entered"] / tracks["recycles"],
                numerator=tracks["re_entered"], denominator=tracks["recycles"],
            ),
            tracks.assign(
                measure="Re-entry reached SQL",
                value=tracks["reached_sql"] / tracks["re_entered"].where(tracks["re_entered"] > 0),
                numerator=tracks["reached_sql"], denominator=tracks["re_entered"],
            ),
        ]
    )[["nurture_track", "measure", "value", "numerator", "denominator"]]  # fmt: skip
    ui.draw_chart(charts.re_entry_by_track(long))

st.dataframe(
    tracks[["nurture_track", "recycles", "re_entered", "reached_sql", "median_days_to_re_entry"]],
    hide_index=True,
    width="stretch",
    column_config={
        "nurture_track": "Nurture track",
        "recycles": st.column_config.NumberColumn("Recycles", format="localized"),
        "re_entered": st.column_config.NumberColumn("Came back", format="localized"),
        "reached_sql": st.column_config.NumberColumn("Reached SQL", format="localized"),
        "median_days_to_re_entry": st.column_config.NumberColumn(
            "Median days to re-entry", format="%.1f"
        ),
    },
)

with st.expander("Valid reason codes (seeds/reason_codes.csv)"):
    st.dataframe(
        data.reason_codes(),
        hide_index=True,
        width="stretch",
        column_config={
            "reason_code": "Code",
            "label": "Meaning",
            "applies_to": "Valid for",
            "nurture_track": "Nurture track",
            "re_entry_trigger": "What brings the journey back",
            "is_active": "Active",
        },
    )

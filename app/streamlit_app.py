"""journey-sla app: a router over the pages in app_pages/ plus the shared sidebar filters.

Installed, this folder is the package ``journey_sla_app`` and ``journey-sla app`` runs this
file from it; in a checkout ``streamlit run app/streamlit_app.py`` works too. Pages import
what they need from ``journey_sla.app_logic``.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

import streamlit as st

if find_spec("journey_sla") is None:
    # A checkout that was never `pip install -e .`-ed: the package sits beside app/.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journey_sla.app_logic import sidebar  # noqa: E402

st.set_page_config(page_title="journey-sla", page_icon=":material/timer:", layout="wide")

pages = {
    "Review": [
        st.Page("app_pages/monthly_review.py", title="Monthly review",
                icon=":material/insights:", default=True),
        st.Page("app_pages/sla_matrix.py", title="SLA matrix", icon=":material/table_chart:"),
        st.Page("app_pages/target_tuning.py", title="Target tuning", icon=":material/tune:"),
    ],
    "Act": [
        st.Page("app_pages/due_next.py", title="Due next & breaches",
                icon=":material/notification_important:"),
        st.Page("app_pages/routing.py", title="Routing", icon=":material/alt_route:"),
        st.Page("app_pages/recycles.py", title="Recycles", icon=":material/recycling:"),
        st.Page("app_pages/journey_explorer.py", title="Journey explorer",
                icon=":material/timeline:"),
    ],
    "Data": [
        st.Page("app_pages/data_health.py", title="Data health",
                icon=":material/health_and_safety:"),
    ],
}  # fmt: skip
page = st.navigation(pages)
sidebar.render()
page.run()

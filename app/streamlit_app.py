"""journey-sla app: a router over the pages in app_pages/ (no logic here)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Pages import app modules as top-level names (data, charts) whether started by
# `streamlit run app/streamlit_app.py` or by AppTest.
sys.path.insert(0, str(Path(__file__).resolve().parent))

st.set_page_config(page_title="journey-sla", page_icon=":material/timer:", layout="wide")

pages = [
    st.Page("app_pages/data_health.py", title="Data health", icon=":material/health_and_safety:", default=True),
]
st.navigation(pages).run()

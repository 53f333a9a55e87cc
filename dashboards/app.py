"""The dashboards for the 0-25 Joint Commissioning Board (Streamlit multipage app).

Reads only the published views, as the read-only role. Run with `jsna dashboard`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `streamlit run` does not add the repo root

st.set_page_config(page_title="SEND JSNA", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
]
st.navigation(pages).run()

"""The dashboards for the 0-25 Joint Commissioning Board (Streamlit multipage app).

Reads only the published views, as the read-only role. Run with `jsna dashboard`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `streamlit run` does not add the repo root

st.set_page_config(page_title="SEND JSNA", page_icon=":bar_chart:", layout="wide")

pages = {
    "Joint Strategic Needs Assessment": [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
        st.Page("views/ehcp.py", title="EHC plans", icon=":material/description:", url_path="ehcp"),
        st.Page("views/health.py", title="Health waits", icon=":material/schedule:", url_path="health"),
        st.Page("views/social_care.py", title="Social care", icon=":material/diversity_3:", url_path="social-care"),
    ],
    "Explore": [
        st.Page("views/planner.py", title="Sufficiency planner", icon=":material/school:", url_path="planner"),
        st.Page("views/map.py", title="Map explorer", icon=":material/map:", url_path="map"),
        st.Page("views/profile.py", title="Area profile", icon=":material/stacked_bar_chart:", url_path="profile"),
        st.Page("views/methods.py", title="Data and methods", icon=":material/menu_book:", url_path="methods"),
    ],
}
st.navigation(pages).run()

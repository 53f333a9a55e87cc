"""The dashboards for the 0-25 Joint Commissioning Board (Streamlit multipage app).

Reads only the published views, as the read-only role. Run with `jsna dashboard`. A page that fails shows one
plain sentence; the details go to the server's log, never to the browser.
"""

from __future__ import annotations

import logging
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
        st.Page("views/alerts.py", title="Alerts", icon=":material/notifications:", url_path="alerts"),
    ],
    "Explore": [
        st.Page("views/planner.py", title="Sufficiency planner", icon=":material/school:", url_path="planner"),
        st.Page("views/map.py", title="Map explorer", icon=":material/map:", url_path="map"),
        st.Page("views/profile.py", title="Area profile", icon=":material/stacked_bar_chart:", url_path="profile"),
        st.Page("views/methods.py", title="Data and methods", icon=":material/menu_book:", url_path="methods"),
        st.Page("views/updates.py", title="Data updates", icon=":material/history:", url_path="updates"),
    ],
}
page = st.navigation(pages)
try:
    page.run()
except Exception:  # st.stop and st.rerun are not Exceptions: they pass
    logging.getLogger("dashboards").exception("The %s page failed (filters %s)", page.url_path or "overview",
                                              ", ".join(st.query_params) or "none")
    st.error("Sorry, this page could not be shown. The problem has been logged for the dashboard's "
             "administrators; try again later, or open the page without filters.", icon=":material/error:")

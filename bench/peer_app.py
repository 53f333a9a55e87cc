"""The render peer for bench.pages: a bare Streamlit page drawing one small plotly chart, no data, no queries.
What Streamlit and plotly.js cost a first visit on this machine, whatever the app does."""

import plotly.graph_objects as go
import streamlit as st

st.title("Peer")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), config={"displaylogo": False})

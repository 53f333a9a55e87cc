"""The render peer for bench.pages: a bare Streamlit page drawing one small chart, no data, no queries. What
Streamlit and its chart library cost a first visit on this machine, whatever the app does: plotly by default,
Vega (the library the dashboards draw with) at ?chart=vega."""

import streamlit as st

st.title("Peer")
if st.query_params.get("chart") == "vega":
    st.vega_lite_chart({"data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 3}, {"x": "c", "y": 2}]},
                        "mark": "bar", "encoding": {"x": {"field": "x", "type": "nominal"},
                                                    "y": {"field": "y", "type": "quantitative"}}})
else:
    import plotly.graph_objects as go

    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), config={"displaylogo": False})

"""The app's pages, run by Streamlit as scripts (st.Page), never imported."""

"""The Streamlit app, installed as the package ``journey_sla_app`` (see pyproject.toml)."""

"""The dataset: its schema (fields, vocabularies, tables), loading and validation of the YAML, the
read-only catalog, census figures, value and text helpers, citations, the data dictionary and the
exports (CSV, JSON, zip, Data Package). Plain functions; no Streamlit."""

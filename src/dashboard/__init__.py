"""CTDC Atlas: data, validation, metrics and chart builders for the Civic Tech and Data Collaborative dashboard."""

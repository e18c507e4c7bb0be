"""Placeholder replaced by the page's implementation."""

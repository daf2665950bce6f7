"""Thin views over the selectors and services."""

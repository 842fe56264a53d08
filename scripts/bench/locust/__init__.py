"""Locust load tests of the adserve services (see README.md)."""

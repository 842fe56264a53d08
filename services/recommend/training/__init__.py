"""Offline side of recommend: training, data loading, evaluation and reports (never imported by the service)."""

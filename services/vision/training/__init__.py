"""Offline side of vision: training, data loading, evaluation and reports (never imported by the service)."""

"""Offline side of creative: training, data loading, evaluation and reports (never imported by the service)."""

"""Offline side of text: training, data loading, evaluation and reports (never imported by the service)."""

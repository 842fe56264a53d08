"""Offline jobs of the campaign capability: measured copy quality."""

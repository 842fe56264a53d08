"""Shared platform core: settings, artifact store, model loading, auth, limits and service wiring."""

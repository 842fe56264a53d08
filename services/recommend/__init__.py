"""Personalized recommendation: hybrid LightFM over Online Retail II, served from precomputed vectors."""

"""Actors: the knowledge base and per-document resolution to country + sector codes."""

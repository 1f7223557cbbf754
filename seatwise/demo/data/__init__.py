"""Declarative demo content: organizations and people, the catalogue, the prices."""

"""Benchmarks. Run ``python bench/catalog_api.py`` (or ``make bench``); see README.md."""

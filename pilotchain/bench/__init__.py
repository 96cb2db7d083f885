"""Benchmarks: each writes its figures to reports/ and prints them."""

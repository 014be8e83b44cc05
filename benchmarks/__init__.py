"""Benchmarks run from a separate client process against a server; `make bench` runs them."""

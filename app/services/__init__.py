"""Business operations: plain functions over a session that flush and never commit."""

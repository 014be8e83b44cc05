"""Resident files (民情档案): the household's file, its completeness, and when it is due."""

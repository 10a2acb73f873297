"""Checking what was read: the rule engine, the narrative checks, publication deadlines. Imports model and read."""

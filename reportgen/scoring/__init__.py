"""Scoring: each leader's step scores and reading order, and the group's figures."""

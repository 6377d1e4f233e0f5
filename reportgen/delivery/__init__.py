"""Delivery: the reports mailed to their leaders, at most once each, or written as drafts."""

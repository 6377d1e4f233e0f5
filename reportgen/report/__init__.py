"""The report stage: what a report says (views, sentences, their conditions, charts, the cohort report)."""

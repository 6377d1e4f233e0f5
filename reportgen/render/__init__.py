"""The render stage: how a view becomes files (the one Jinja factory, WeasyPrint, the plan, the worker pool)."""

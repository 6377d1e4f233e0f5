"""The report stage: views, charts, templates, rendering in a worker pool, the brand."""

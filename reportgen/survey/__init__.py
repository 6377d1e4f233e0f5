"""Reading an export: file formats → rows → columns → responses → settled outcomes."""

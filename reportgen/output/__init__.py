"""Output files: names and atomic writes, the manifest, score records, scores.xlsx."""

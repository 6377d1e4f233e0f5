"""The workshop as one folder: its facts (reportgen.toml), who was invited, and each leader's status."""

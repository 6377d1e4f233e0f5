"""reportgen: personal PDF reports from a leadership survey export."""

__version__ = "0.1.0"

"""briefgen: audience-specific policy briefs from modular YAML content blocks."""

__version__ = "0.1.0"

"""Reading content: YAML with positions, its schema, the loader, and the writing language (Markdown to nodes)."""

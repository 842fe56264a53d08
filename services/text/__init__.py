"""Text capability: product-description generation, review summarization and the compliance guard."""

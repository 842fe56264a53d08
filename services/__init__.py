"""adserve: BentoML services for e-commerce content marketing (recommend, text, vision, creative, campaign)."""

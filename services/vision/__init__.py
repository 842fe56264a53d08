"""Vision capability: product-image classification, image embeddings and visual similarity search."""

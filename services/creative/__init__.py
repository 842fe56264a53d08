"""Creative capability: ad-image generation, model-free style transfer, enhancement and banners."""

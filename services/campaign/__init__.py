"""Campaign composition and the feedback loop: products, copy and banners per user; durable feedback; bandits."""

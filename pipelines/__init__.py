"""Analytics jobs (Apache Beam)."""

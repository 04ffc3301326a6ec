"""The engagement job: player events -> per-minute/hour/day aggregates -> Spanner `analytics`.

One pipeline for both modes: streaming from Pub/Sub `player-events` and batch backfill
from JSONL files run the same transforms (`transforms.Engagement`); see docs/analytics.md.
"""

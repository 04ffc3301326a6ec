"""Highlight evaluation: labelled shows, a synthetic show generator and the metrics."""

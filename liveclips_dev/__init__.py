"""Code that exists only to run or measure liveclips locally: the local cloud and its
stand-ins, the IVS ingest stand-in (studio), evaluation and the `liveclips` dev CLI.
Never shipped in a production artefact (ADR 0013)."""

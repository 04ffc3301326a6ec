"""Use cases that combine several adapters, shared by functions and the API."""

"""What the cloud deployment runs besides the services: AWS credentials from GCP."""

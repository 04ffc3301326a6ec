terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # bucket, key, region and dynamodb_table come from -backend-config (docs/deploy.md).
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { app = "liveclips", stage = var.stage }
  }
}

data "aws_caller_identity" "this" {}
data "aws_region" "this" {}

locals {
  account = data.aws_caller_identity.this.account_id
  region  = data.aws_region.this.name
}

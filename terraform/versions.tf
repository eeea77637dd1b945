terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.5"
    }
  }

  # State holds the generated passwords in plain text: configure an encrypted,
  # access-controlled remote backend (e.g. S3 + DynamoDB locking) per environment.
  # backend "s3" {}
}

"""Deployment: the image's entry point and settings, podman, compose, Kubernetes, and their tests."""

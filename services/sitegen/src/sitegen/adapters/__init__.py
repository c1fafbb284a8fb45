"""Adapters: the sitegen table, the sites bucket, and the clients of other systems (Bedrock models)."""

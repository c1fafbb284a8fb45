"""Litestar app factory shared by every service: problem+json, health, request context, serving."""

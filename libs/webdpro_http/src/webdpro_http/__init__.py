"""Litestar app factory shared by every service: problem+json, health, request context, auth guards, serving."""

from webdpro_http.app import create_app
from webdpro_http.auth import authenticate, bearer_token, requires, requires_service
from webdpro_http.problems import PROBLEM_JSON, problem_response

__all__ = [
    "PROBLEM_JSON",
    "authenticate",
    "bearer_token",
    "create_app",
    "problem_response",
    "requires",
    "requires_service",
]

"""Shared primitives with no AWS and no web: settings, problem errors, ids, clock, money."""

"""Departments: webhooks out to department systems, and the local stand-in of such a system."""

"""Cross-cutting plumbing: settings, app factory, database, storage, jobs, errors, devstack."""

"""Imports every module that registers jobs, so the worker knows all entrypoints."""

import onething.applications.jobs
import onething.core.jobs
import onething.delivery.jobs
import onething.departments.jobs
import onething.identity.jobs
import onething.licenses.jobs
import onething.notify.jobs  # noqa: F401

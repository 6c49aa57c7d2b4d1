"""Service catalogue: bundles, services, data elements and the field codes they check."""

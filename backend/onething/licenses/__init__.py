"""Electronic licenses (电子证照): identifiers, metadata and their use as materials."""

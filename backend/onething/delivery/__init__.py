"""Mail-home delivery: the resident's choice, consolidation of paper outputs into parcels,
courier adapters and tracking."""

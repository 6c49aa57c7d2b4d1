"""Applications (办件): drafts, materials, submission, tasks, their order, time limits, timeline."""

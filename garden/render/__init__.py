"""The render stage: HTML of blocks, outputs and pages from the linked garden and the run results."""

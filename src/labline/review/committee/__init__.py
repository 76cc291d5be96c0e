"""Review committee: discussion, decisions and funding milestones."""

"""Review services: calls and proposals, assignment, reviews, the committee."""

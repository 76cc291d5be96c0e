"""The profiles services: teams and experts, and team suggestions for a need."""

"""Market figures: activity, contracts and breakdowns by region and industry."""

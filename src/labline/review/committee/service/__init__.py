"""The committee's rules: decisions and lotteries, discussion, milestones."""

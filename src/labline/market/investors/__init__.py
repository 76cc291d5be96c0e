"""Investors: guidance funds, venture funds and corporate venture arms; what they follow,
their deal flow by stage, and introductions through the deal machinery."""

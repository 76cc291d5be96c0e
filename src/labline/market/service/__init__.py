"""The market\x27s rules and queries; services never commit."""

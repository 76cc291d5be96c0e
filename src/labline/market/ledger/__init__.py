"""The licence ledger after signing: invoices for upfront and milestones, royalty reports
computed by the tiers (minimums applied), payments, and reconciliation per contract."""

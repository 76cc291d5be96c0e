"""Innovation indicators: catalogue, panels, composite indices, growth accounting, charts."""

"""jobscan: flags job posts that follow the scam-compound (trafficking) recruitment pattern, and says why."""

__version__ = "0.1.0"

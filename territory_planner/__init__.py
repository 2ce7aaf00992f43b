"""Territory Planner: map territories and hires, and see which ones marketing can fund."""

__version__ = "0.1.0"

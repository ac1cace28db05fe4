"""openrcm."""

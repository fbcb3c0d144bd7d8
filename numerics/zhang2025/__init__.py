"""Zhang et al. 2025 (linear LAM), numeric and convex layer: one submodule per group of claims."""

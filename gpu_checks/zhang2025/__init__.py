"""Zhang et al. 2025 (linear LAM), trained layer: one submodule per group of claims."""

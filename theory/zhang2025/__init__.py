"""Zhang et al. 2025 (linear LAM), symbolic layer: one submodule per group of claims."""

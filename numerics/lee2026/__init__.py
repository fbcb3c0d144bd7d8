"""Lee et al. 2026 (exogenous state): this layer's checks, one submodule per group of claims."""

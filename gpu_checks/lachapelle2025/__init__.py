"""Lachapelle 2025 (LAPO identifiability): this layer's checks (none yet)."""

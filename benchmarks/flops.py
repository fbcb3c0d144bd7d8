"""FLOPs of one configuration-step of the batched linear-LAM trainer, counted analytically.

A product of an (m x k) and a (k x p) matrix costs 2 m k p FLOPs (multiply + add). One configuration-step
is one model's share of one Adam step: forward and backward of `gpu_checks.linear_lam._Reconstruction`
(plus the action head) on a batch of n samples, and the sampler's products. With s_a, s_c, s_d the (n x d_o)
inputs and G the (n x d_o) residual gradient:

    forward    z^T = C s_c^T + D s_d^T            2 x 2 n d_o d_z      (tied C = -D: one product)
               R = z B^T + s_a A^T - t            2 n d_z d_o + 2 n d_o^2   (A = I: no A term)
    backward   dA = G^T s_a                       2 n d_o^2            (A learned only)
               dB = (z^T G)^T                     2 n d_z d_o
               g_z^T = B^T G^T                    2 n d_o d_z
               dC = g_z^T s_c,  dD = g_z^T s_d    2 x 2 n d_z d_o      (tied: one)
    head       a_hat = z E^T, dE, g_z += ...      3 x 2 n d_z d_a      (with an action loss)
    sampler    `process_sampler(...).flops(n)`     (F_o = F_a = I, eps = sigma n: 2 n d_a d_o for X a)

Total with A learned, C and D free, no head: 4 n d_o^2 + 14 n d_o d_z + sampler; at the papers'
d_o = 128, d_z = 8, d_a = 8, n = 128: 8,388,608 + 1,835,008 + 262,144 = 10,485,760 FLOPs. Elementwise work
(subtractions, the squared error, the mask, Adam's update: ~20 FLOPs per parameter) is not counted, so the
achieved rate this gives is a lower bound.
"""

from __future__ import annotations


def linear_lam_step_flops(*, n: int, d_o: int, d_z: int, d_a: int = 0, learn_A: bool = True, tie_CD: bool = False,
                          head: bool = False, sampler: int = 0) -> int:
    """Matrix-product FLOPs of one configuration-step (module docstring)."""
    encoder = (1 if tie_CD else 2) * 2 * n * d_o * d_z
    fdm = 2 * n * d_z * d_o + (2 * n * d_o * d_o if learn_A else 0)
    backward = (2 * n * d_o * d_o if learn_A else 0) + 2 * n * d_z * d_o + 2 * n * d_o * d_z + encoder
    action = 3 * 2 * n * d_z * d_a if head else 0
    return encoder + fdm + backward + action + sampler

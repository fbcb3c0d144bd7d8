"""Ledger: Lachapelle 2025, *On the Identifiability of Latent Action Policies* (arXiv:2510.01337, UniReps 2025).

Source: ../shared/papers/lachapelle2025_lapo_identifiability.md. THE PAPER'S FORMAL BODY WAS NOT AVAILABLE TO THIS
PROJECT: only the abstract, the opening of Section 1 (the description of LAPO) and third-party summaries were. Every
formula, assumption, lemma and theorem below is therefore this project's reconstruction (the brief's §2-§3), not the
paper's text: its wording, notation, numbering and exact hypotheses are unconfirmed. Provenance is ``reconstructed``
throughout; ``provenance_note`` says which part (if any) is known from Sec. 1 or at abstract level. The assumption
ordering "A1+A2 => D1, A1-A3 => D2, A1-A4 => D3" comes from a third-party summary and may be garbled (brief §5.10).

Model (brief §2.3-§2.4): s ~ p(s), a ~ pi(.|s), s' = g(s,a), only (s,s') observed; A finite (m = |A|), latent set
A_hat finite (k = |A_hat|); IDM q(a_hat|s,s') in Delta(A_hat) (deterministic: h_hat(s,s')), FDM g_hat(s,a_hat);
L_rec = E||s' - g_hat(s, h_hat(s,s'))||^2; L_lambda = E[sum_{a_hat} q(a_hat|s,s') ||s' - g_hat(s,a_hat)||^2
+ lambda H(q(.|s,s'))]. Desiderata: D1 determinism, D2 state-independence (h_hat(s,g(s,a)) = v(a)), D3 v injective.
"""

from __future__ import annotations

from theory.claims import Assumption, Claim

P = "lachapelle2025"

A1_SETTING = Assumption(
    "A1-setting-realisability",
    "s ~ p(s), a ~ pi(.|s), s' = g(s,a), only (s,s') observed; |A| = m, |A_hat| = k finite, k >= m; the model classes "
    "contain a zero-loss solution, e.g. g_hat(s,a_hat) = g(s, v^{-1}(a_hat)) (realisability)",
)
A2_CONTINUITY = Assumption(
    "A2-continuity",
    "g(.,a) continuous for each a; the learned IDM q (and probably g_hat) continuous on cl(supp p(s,s'))",
)
A3_CONNECTIVITY = Assumption(
    "A3-connectivity", "S_a := cl{s in S : pi(a|s) > 0} is (path-)connected for every a (or S connected)"
)
A4_INJECTIVITY = Assumption("A4-injectivity", "for each s, a -> g(s,a) is injective")
OVERLAP = Assumption(
    "overlap",
    "for every a != b there is s in S_a intersect S_b with g(s,a) != g(s,b) (automatic under full support pi(a|s) > 0)",
)
SEPARATED_GRAPHS = Assumption(
    "separated-action-graphs",
    "inf_{s in cl(S), a != b} ||g(s,a) - g(s,b)|| > 0, i.e. the action graphs Gamma_a = {(s,g(s,a)) : s in S_a} "
    "have disjoint closures (needed for a continuous IDM that is one-hot on the support)",
)
POSITIVE_LAMBDA = Assumption("positive-lambda", "lambda > 0 (entropy penalty, not bonus)")
SPARE_CODES = Assumption("spare-codes", "k > m")
NO_ENTROPY_TERM = Assumption("no-entropy-term", "lambda = 0")
CONTINUOUS_LATENT = Assumption("continuous-latent", "A_hat = R^d (no finite bottleneck)")
IDENTIFIED = Assumption(
    "identified-labelling", "D1 and D2 and D3: q(.|s,g(s,a)) = e_{v(a)} for all a and s in S_a, with v injective"
)

_GIST_NOTE = "abstract-level gist (third-party summary: {}); statement and proof reconstructed"

CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="LA-D1", paper=P, where="Sec. 1 (words); formula: brief §2.4 / §3 LA-D1", provenance="reconstructed",
        kind="definition",
        provenance_note="described in words in Sec. 1 [paper]; formula reconstructed",
        title="LAPO reconstruction objective",
        statement=(
            "L_rec(h_hat, g_hat) = E_{(s,s')~p} ||s' - g_hat(s, h_hat(s,s'))||_2^2, minimised jointly over the IDM "
            "h_hat and the FDM g_hat (LAPO stage 1)."
        ),
        assumptions=(A1_SETTING,),
        notes=("LAPO's code uses this MSE on images (wm_loss), with a VQ-quantised latent (brief §4.4).",),
    ),
    Claim(
        id="LA-D2", paper=P, where="abstract (existence); formula: brief §2.4 / §3 LA-D2", provenance="reconstructed",
        kind="definition",
        provenance_note=(
            "an entropy penalty on the IDM is known at abstract level (abstract and third-party summaries); "
            "exact formula reconstructed"
        ),
        title="Entropy-regularised LAPO objective",
        statement=(
            "L_lambda(q, g_hat) = E_{(s,s')~p}[ sum_{a_hat in A_hat} q(a_hat|s,s') ||s' - g_hat(s,a_hat)||_2^2 "
            "+ lambda H(q(.|s,s')) ], A_hat finite, lambda > 0, H(q) = -sum_{a_hat} q(a_hat) log q(a_hat); the sum over "
            "A_hat is exact and L_lambda reduces to L_rec when q is one-hot."
        ),
        assumptions=(A1_SETTING, POSITIVE_LAMBDA),
        notes=(
            "The entropy is a penalty (minimised), pushing q to one-hot; an entropy bonus gives Gibbs/softmax IDMs (LA-X1).",
            "Alternative readings not ruled out (brief §2.4, §5.1): the regulariser may be H(A_hat|S) or a latent-policy "
            "cross-entropy rather than E[H(q(.|s,s'))], and the weighting may differ from lambda.",
            "LAPO itself has no entropy regulariser (VQ argmin assignment is already deterministic); L_lambda is the "
            "analysable, differentiable surrogate (brief §4.4).",
        ),
    ),
    Claim(
        id="LA-L1", paper=P, where="reconstructed; section unknown; brief §3 LA-L1", provenance="reconstructed",
        kind="lemma",
        provenance_note="this project's lemma; no abstract-level counterpart",
        title="The per-sample minimiser is one-hot",
        statement=(
            "For l in R^k (l_{a_hat} = ||s' - g_hat(s,a_hat)||^2) and lambda > 0: min_{q in Delta_k} <q,l> + lambda H(q) "
            "= min_{a_hat} l_{a_hat}, and the minimisers are exactly the one-hot e_{a_hat} with a_hat in argmin l."
        ),
        assumptions=(POSITIVE_LAMBDA,),
        notes=(
            "Consequence: for a fixed FDM the optimal IDM is hard assignment h_hat(s,s') = argmin_{a_hat} "
            "||s' - g_hat(s,a_hat)||^2 (nearest decoding, k-means/VQ-like), linking the analysis to LAPO's VQ bottleneck.",
        ),
    ),
    Claim(
        id="LA-L2", paper=P, where="reconstructed; section unknown; brief §3 LA-L2", provenance="reconstructed",
        kind="lemma",
        provenance_note="this project's lemma; no abstract-level counterpart",
        title="Regularisation keeps the optimal value and selects deterministic solutions",
        statement=(
            "For every lambda > 0, inf_{q,g_hat} L_lambda = inf_{h_hat,g_hat} L_rec (unconstrained measurable q, h_hat), "
            "every minimiser (q*, g_hat*) of L_lambda has q* one-hot p-a.e., and the induced (h_hat*, g_hat*) minimise "
            "L_rec; under A1 both infima are 0."
        ),
        assumptions=(A1_SETTING, POSITIVE_LAMBDA),
        notes=(
            "Caveat: with a restricted IDM class (e.g. continuous q) the infimum may not be attained by a one-hot q when "
            "reconstruction cannot be zero (brief §5.3).",
        ),
    ),
    Claim(
        id="LA-L3", paper=P, where="reconstructed (standard topology); brief §3 LA-L3", provenance="reconstructed",
        kind="lemma",
        provenance_note="standard topological fact; its role in the paper's argument is reconstructed",
        title="Topological lemma for D2",
        statement=(
            "A continuous map from a connected space into a discrete (e.g. finite) set is constant; in particular a "
            "continuous phi: C -> Delta_k with phi(C) subset {e_1, ..., e_k} and C connected is constant."
        ),
    ),
    Claim(
        id="LA-X1", paper=P, where="reconstructed; sanity counter-claim of this project; brief §3 LA-X1",
        provenance="reconstructed", kind="counter-claim",
        provenance_note="this project's sanity counter-claim, not a paper claim",
        title="An entropy bonus gives a Gibbs IDM",
        statement=(
            "For tau > 0, min_{q in Delta_k} <q,l> - tau H(q) has the unique solution q_{a_hat} proportional to "
            "exp(-l_{a_hat}/tau), i.e. q = softmax(-l/tau), never one-hot for finite l: the sign of the regulariser is "
            "essential."
        ),
    ),
    Claim(
        id="LA-T1", paper=P, where="reconstructed; section unknown; brief §3 LA-T1", provenance="reconstructed",
        provenance_note=_GIST_NOTE.format("A1+A2 => D1"),
        title="Determinism (D1)",
        statement=(
            "Let lambda > 0 and (q*, g_hat*) minimise L_lambda; under A1 (realisability, k >= m) and A2 (q* continuous on "
            "cl(supp p(s,s'))), L_rec(q*, g_hat*) = 0 and q*(.|s,s') is one-hot for every (s,s') in the support."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, POSITIVE_LAMBDA, SEPARATED_GRAPHS),
        notes=(
            "Gap to watch: 'a zero-loss solution exists' must hold inside the continuous IDM class. A continuous q that is "
            "one-hot on the support exists only if the action graphs Gamma_a have disjoint closures (brief §5.3), "
            "essentially A4 plus compactness. Either the paper's A1/A2 contain a realisability clause or D1 silently uses "
            "A4; this ledger states the hypothesis explicitly as 'separated-action-graphs'.",
            "When k = m and pi has full support, determinism already follows from zero reconstruction at lambda = 0 (each "
            "of the m distinct next states at s needs its own code); the entropy term is needed only when k > m or some "
            "states have fewer available actions (LA-U1).",
            "Ablation: lambda = 0 with k > m, entropy need not vanish.",
        ),
    ),
    Claim(
        id="LA-T2", paper=P, where="reconstructed; section unknown; brief §3 LA-T2", provenance="reconstructed",
        provenance_note=_GIST_NOTE.format("A1-A3 => D2"),
        title="State-independence (D2)",
        statement=(
            "Under A1-A3 (S_a connected for every a, g(.,a) continuous, q* continuous), every minimiser of L_lambda "
            "satisfies: for each a there is v(a) in A_hat with q*(.|s, g(s,a)) = e_{v(a)} for all s in S_a."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, POSITIVE_LAMBDA, SEPARATED_GRAPHS),
        notes=(
            "Why discrete latents (abstract-level claim, reconstructed mechanism): with A_hat = R^k a continuous IDM can "
            "output phi_s(v(a)) for a continuous family of bijections phi_s (or copy s'): zero loss, deterministic, but D2 "
            "fails; finiteness of A_hat plus continuity rules this out.",
            "D2 needs continuity of the learned IDM (LA-U2); if the paper assumes only continuity of g it needs other "
            "regularity, e.g. k = m plus a continuous FDM (brief §5.2). What must be connected is presumably S_a, not "
            "just S (brief §5.5).",
            "Transfer to VQ-LAPO (continuous encoder, discontinuous argmin quantiser, k ~ 2.8e14 codes) is unclear "
            "(brief §5.6).",
        ),
    ),
    Claim(
        id="LA-T3", paper=P, where="reconstructed; section unknown; brief §3 LA-T3", provenance="reconstructed",
        provenance_note=_GIST_NOTE.format("A1-A4 => D3"),
        title="Injectivity (D3)",
        statement=(
            "Under A1-A4 (with overlap) the map v of LA-T2 is injective, so a = v^{-1}(a_hat): the latent equals the true "
            "action up to the fixed, state-independent relabelling v."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, A4_INJECTIVITY, OVERLAP, POSITIVE_LAMBDA, SEPARATED_GRAPHS),
        notes=(
            "The proof uses g(s,a) = g_hat*(s,v(a)) = g_hat*(s,v(b)) = g(s,b) at some s in S_a intersect S_b, so it needs "
            "zero loss at s, not just a.e. (continuity of g_hat* or of g plus closure arguments), and overlap, which "
            "expert policies may not provide (brief §5.4, LA-U4(iii)).",
        ),
    ),
    Claim(
        id="LA-T", paper=P, where="reconstructed; section unknown; brief §3 LA-T", provenance="reconstructed",
        provenance_note=(
            "abstract-level gist (abstract and third-party: the optimal labelling is deterministic and injective, latent "
            "actions identifiable w.r.t. true actions); exact form reconstructed"
        ),
        title="Main theorem: identifiability up to relabelling",
        statement=(
            "Under A1-A4 and lambda > 0, every minimiser (q*, g_hat*) of L_lambda over continuous IDMs satisfies D1-D3: "
            "q*(.|s, g(s,a)) = e_{v(a)} for all a and s in S_a with v injective, and g_hat*(s,a_hat) = g(s, v^{-1}(a_hat)) "
            "for a_hat in v(A)."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, A4_INJECTIVITY, OVERLAP, POSITIVE_LAMBDA, SEPARATED_GRAPHS),
        notes=(
            "Third-party wording: 'the optimal latent-action labeling is deterministic and injective, making latent actions "
            "identifiable with respect to the true actions.'",
            "Claims concern global minimisers of the population objective; SGD, finite data, stochastic dynamics, "
            "exogenous noise and partial observability are not covered (brief §5.7-§5.9).",
        ),
    ),
    Claim(
        id="LA-S1", paper=P, where="reconstructed; section unknown; brief §3 LA-S1", provenance="reconstructed",
        provenance_note="'statistical benefits' named at abstract level; content reconstructed",
        title="Statistical benefit: the latent policy is the expert policy up to relabelling",
        statement=(
            "If D1-D3 hold, the stage-2 target is pi_hat(a_hat|s) = pi(v^{-1}(a_hat)|s) for a_hat in v(A) (0 otherwise), "
            "so pi(a|s) = pi_hat(v(a)|s): the latent policy carries exactly the expert policy, learned from unlabelled data."
        ),
        assumptions=(IDENTIFIED,),
    ),
    Claim(
        id="LA-S2", paper=P, where="reconstructed; section unknown; brief §3 LA-S2", provenance="reconstructed",
        provenance_note="'statistical benefits' is abstract-level; this bound is this project's (brief tag: reconstructed)",
        title="Statistical benefit: a state-independent lookup decoder from few labels",
        statement=(
            "Under D1-D3 the stage-3 decoder can be the fixed map d = v^{-1}: v(A) -> A, in a finite class of size m^k, so "
            "realisable ERM needs n = O((k log m + log(1/delta))/epsilon) labels, and exact recovery fails with probability "
            "P(fail) <= sum_a (1 - p_a)^n <= m (1 - p_min)^n (coupon collector), independent of the state space."
        ),
        assumptions=(IDENTIFIED,),
        notes=(
            "If D2 fails the decoder must depend on (s, a_hat); if D1 fails the labels are noisy and the latent policy must "
            "model extra entropy H(A_hat|S) > H(A|S); if D3 fails the Bayes error of any decoder is > 0.",
            "Related (abstract level): Morin, Byeon, Jolicoeur-Martineau, Lachapelle 2026 (arXiv:2602.02762).",
        ),
    ),
    Claim(
        id="LA-U1", paper=P, where="reconstructed example; brief §3 LA-U1", provenance="reconstructed",
        kind="counter-claim",
        provenance_note="'sources of unidentifiability' named at abstract level; example reconstructed",
        title="Stochastic labelling without the entropy term",
        statement=(
            "If k > m and lambda = 0, some zero-loss minimisers of L_0 violate D1: with A = {L,R}, A_hat = {1,2,3}, "
            "g_hat(s,1) = g_hat(s,3) = g(s,L), g_hat(s,2) = g(s,R), q(.|s,g(s,L)) = (1/2, 0, 1/2), q(.|s,g(s,R)) = e_2 the "
            "loss is 0 with entropy log 2 on L-transitions; for lambda > 0 its value is lambda P(L) log 2 > 0, not optimal."
        ),
        assumptions=(A1_SETTING, SPARE_CODES, NO_ENTROPY_TERM),
    ),
    Claim(
        id="LA-U2", paper=P, where="reconstructed example; brief §3 LA-U2", provenance="reconstructed",
        kind="counter-claim",
        provenance_note="this project's example (why continuity and connectivity are needed)",
        title="State-dependent relabelling without continuity or connectivity",
        statement=(
            "For injections sigma_s: A -> A_hat, h_hat(s,g(s,a)) = sigma_s(a) with g_hat(s,a_hat) = g(s, sigma_s^{-1}(a_hat)) "
            "has zero loss and zero entropy, and D2 fails unless sigma_s is constant: e.g. S = [0,1], sigma_s = id for "
            "s < 1/2 and the swap for s >= 1/2 (discontinuous IDM), or S = [0,1] union [2,3] with identity on one component "
            "and the swap on the other (continuous IDM); both are global minimisers of L_lambda for every lambda."
        ),
        assumptions=(A1_SETTING,),
        notes=("The entropy term does not fix D2; continuity plus connectivity do.",),
    ),
    Claim(
        id="LA-U3", paper=P, where="reconstructed example; brief §3 LA-U3", provenance="reconstructed",
        kind="counter-claim",
        provenance_note="abstract-level claim that discreteness explains why discrete latents work; example reconstructed",
        title="Continuous latent spaces are not state-independent",
        statement=(
            "With A_hat = R^d, h_hat(s,s') = s' and g_hat(s,a_hat) = a_hat give zero loss, but the latent is the next state, "
            "which depends on s, so D2 fails; a continuous bounded code (e.g. h_hat = s' - s in R^2) still fails D2 whenever "
            "the displacement depends on s (e.g. the state-dependent rotation test bed of brief §4.3)."
        ),
        assumptions=(CONTINUOUS_LATENT,),
    ),
    Claim(
        id="LA-U4", paper=P, where="reconstructed example; brief §3 LA-U4", provenance="reconstructed",
        kind="counter-claim",
        provenance_note="'injectivity' condition named at abstract level (third-party); example reconstructed",
        title="Non-injective dynamics or no overlap",
        statement=(
            "(i) If g(s,a) = g(s,b) for all s, no objective on (s,s') data separates a from b: D3 is impossible; (ii) if "
            "g(s,a) = g(s,b) only on part of S, a continuous IDM forces v(a) = v(b) on the connected S_a union S_b and zero "
            "loss becomes impossible; (iii) if S_a and S_b are disjoint separated sets, v(a) = v(b) with g_hat(.,c) = g(.,a) "
            "on S_a and g(.,b) on S_b has zero loss, so D3 fails although g(s,.) is injective."
        ),
        assumptions=(A1_SETTING,),
        notes=("Real environments (Procgen walls, no-ops) violate A4 routinely (brief §5.3).",),
    ),
    Claim(
        id="LA-C1", paper=P, where="abstract (claim); mechanism reconstructed, brief §3 LA-C1", provenance="reconstructed",
        provenance_note="abstract-level claim (explains why discrete latent actions work well); mechanism reconstructed",
        title="Corollary: why discrete action representations perform well",
        statement=(
            "With finite A_hat the regularised optimum over continuous encoders is automatically state-independent on "
            "connected state sets (LA-T2), whereas with continuous codes it is not (LA-U3); LAPO's VQ bottleneck is the "
            "practical discrete bottleneck."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, POSITIVE_LAMBDA),
        notes=(
            "VQ argmin assignment is discontinuous at Voronoi boundaries and LAPO uses k = 64^8 ~ 2.8e14 codes for m = 15 "
            "actions; whether the theorem transfers to VQ-LAPO is unclear (brief §5.6).",
        ),
    ),
)

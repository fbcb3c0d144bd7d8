"""Ledger: Lachapelle 2025, *On the Identifiability of Latent Action Policies* (arXiv:2510.01337, UniReps 2025).

THE PAPER'S FORMAL BODY WAS NOT AVAILABLE TO THIS PROJECT: only the abstract, the opening of Section 1 (the
description of LAPO, Schmidt & Jiang, ICLR 2024) and third-party summaries were. Every formula, assumption, lemma and
theorem below is therefore this project's reconstruction, not the paper's text: its wording, notation, numbering and
exact hypotheses are unconfirmed. Provenance is ``reconstructed`` throughout; ``provenance_note`` says which part (if
any) is known from Sec. 1 or at abstract level. The assumption ordering "A1+A2 => D1, A1-A3 => D2, A1-A4 => D3" comes
from a third-party summary and may be garbled, so D1, D2, D3 are separate claims with explicit hypotheses.

Model: s ~ p(s), a ~ pi(.|s), s' = g(s,a), only (s,s') observed; A finite (m = |A|), latent set A_hat finite
(k = |A_hat|); IDM q(a_hat|s,s') in Delta(A_hat) (deterministic: h_hat(s,s')), FDM g_hat(s,a_hat);
L_rec = E||s' - g_hat(s, h_hat(s,s'))||^2; L_lambda = E[sum_{a_hat} q(a_hat|s,s') ||s' - g_hat(s,a_hat)||^2
+ lambda H(q(.|s,s'))]. Desiderata: D1 determinism, D2 state-independence (h_hat(s,g(s,a)) = v(a)), D3 the code
determines the action (under D2: v injective).

Every assumption has an evaluator (numerics/lachapelle2025/assumptions.py) on the finite test bed (`FiniteProcess`:
states on a graph, availability, merges, k codes; continuity of the IDM is its surrogate "the code of an action is
the same at both ends of an edge where it is available") and, where meaningful, on the continuous test bed. Names carry
the "la-" prefix (unique across the ledger).
"""

from __future__ import annotations

from theory.claims import Assumption, Claim, Repair

P = "lachapelle2025"

FINITE_SETTING = Assumption(
    "la-finite-setting",
    "s ~ p(s), a ~ pi(.|s), s' = g(s,a) deterministic, only (s,s') observed; |A| = m and |A_hat| = k finite, k >= m",
)
A1_SETTING = Assumption(
    "la-A1-realisability",
    "la-finite-setting, and the model classes contain a zero-loss solution (realisability; with a continuous IDM "
    "class this needs a continuous IDM with zero reconstruction, e.g. g_hat(s,a_hat) = g(s, v^{-1}(a_hat)))",
)
A2_CONTINUITY = Assumption(
    "la-A2-continuity",
    "g(.,a) continuous for each a; the learned IDM q (and g_hat) range over continuous functions on cl(supp p(s,s')) "
    "(finite surrogate: the code of action a is the same at both ends of every edge where a is available at both)",
)
A3_CONNECTIVITY = Assumption(
    "la-A3-connectivity",
    "S_a := cl{s in S : pi(a|s) > 0} is (path-)connected for EVERY action a (per action: 'S connected' alone is not "
    "sufficient, LA-U2)",
)
A4_INJECTIVITY = Assumption("la-A4-injectivity", "for each s, a -> g(s,a) is injective")
OVERLAP = Assumption(
    "la-overlap",
    "for every a != b there is s in S_a intersect S_b with g(s,a) != g(s,b) (automatic under full support pi(a|s) > 0)",
)
CONTINUOUS_ENCODER = Assumption(
    "la-continuous-encoder",
    "the IDM is a continuous network up to its code: softmax logits (discrete latent), a continuous latent, or the "
    "pre-quantisation output of a VQ bottleneck (LAPO); the code assignment after it may be discontinuous (argmin)",
)
SEPARATED_GRAPHS = Assumption(
    "la-separated-action-graphs",
    "inf_{s in cl(S), a != b} ||g(s,a) - g(s,b)|| > 0, i.e. the action graphs Gamma_a = {(s,g(s,a)) : s in S_a} "
    "have disjoint closures (needed for a continuous IDM that is one-hot on the support)",
)
POSITIVE_LAMBDA = Assumption("la-positive-lambda", "lambda > 0 (entropy penalty, not bonus)")
IDM_ENTROPY = Assumption(
    "la-idm-entropy-regulariser",
    "the regulariser is the IDM's output entropy E[H(q(.|s,s'))] (reading (i)); the alternative reading H(A_hat|S) "
    "is evaluated separately and changes LA-L2, LA-T1, LA-T3 above a threshold lambda*",
)
SPARE_CODES = Assumption("la-spare-codes", "k > m")
NO_ENTROPY_TERM = Assumption("la-no-entropy-term", "lambda = 0")
CONTINUOUS_LATENT = Assumption("la-continuous-latent", "A_hat = R^d (no finite bottleneck)")
IDENTIFIED = Assumption(
    "la-identified-labelling", "D1 and D2 and D3 at every global minimiser: q(.|s,g(s,a)) = e_{v(a)} for all a and "
    "s in S_a, with v injective"
)

_GIST_NOTE = "abstract-level gist (third-party summary: {}); statement and proof reconstructed"
_UNPLACED = "reconstructed {}; its place and number in the paper are unknown (formal body unavailable)"

CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="LA-D1", paper=P, where="Sec. 1 (LAPO stage 1, in words); formula reconstructed", provenance="reconstructed",
        kind="definition",
        provenance_note="described in words in Sec. 1 [paper]; formula reconstructed",
        title="LAPO reconstruction objective",
        statement=(
            "L_rec(h_hat, g_hat) = E_{(s,s')~p} ||s' - g_hat(s, h_hat(s,s'))||_2^2, minimised jointly over the IDM "
            "h_hat and the FDM g_hat (LAPO stage 1); for a fixed h_hat the optimal g_hat(s, c) is the conditional mean "
            "E[s' | s, h_hat = c], so min_{g_hat} L_rec is the within-code variance of s' given s."
        ),
        assumptions=(FINITE_SETTING,),
        notes=("LAPO's code minimises this MSE on image frames (WorldModel.label, F.mse_loss in "
               "github.com/schmidtdominik/LAPO lapo/models.py) with a VQ-quantised latent.",),
    ),
    Claim(
        id="LA-D2", paper=P, where="abstract (an entropy penalty on the IDM); formula reconstructed",
        provenance="reconstructed", kind="definition",
        provenance_note=(
            "an entropy penalty on the IDM is known at abstract level (abstract and third-party summaries); "
            "exact formula reconstructed"
        ),
        title="Entropy-regularised LAPO objective",
        statement=(
            "L_lambda(q, g_hat) = E_{(s,s')~p}[ sum_{a_hat in A_hat} q(a_hat|s,s') ||s' - g_hat(s,a_hat)||_2^2 "
            "+ lambda H(q(.|s,s')) ], A_hat finite, lambda > 0, H(q) = -sum_{a_hat} q(a_hat) log q(a_hat); the sum over "
            "A_hat is exact (no sampling), L_lambda is differentiable in the logits of q = softmax(.) and reduces to "
            "L_rec when q is one-hot."
        ),
        assumptions=(FINITE_SETTING, POSITIVE_LAMBDA, IDM_ENTROPY),
        notes=(
            "The entropy is a penalty (minimised), pushing q to one-hot; an entropy bonus gives Gibbs/softmax IDMs (LA-X1).",
            "Alternative readings not ruled out: the regulariser may be H(A_hat|S) or a latent-policy cross-entropy "
            "rather than E[H(q(.|s,s'))], and the weighting may differ from lambda. lamcheck evaluates H(A_hat|S) too "
            "(regulariser = 'conditional-entropy' of the finite test bed): see LA-L2.",
            "LAPO itself has no entropy regulariser (VQ argmin assignment is already deterministic); L_lambda is the "
            "analysable, differentiable surrogate.",
        ),
    ),
    Claim(
        id="LA-L1", paper=P, where=_UNPLACED.format("lemma"), provenance="reconstructed",
        kind="lemma", quantifier="every-minimiser",
        provenance_note="this project's lemma; no abstract-level counterpart",
        title="The per-sample minimiser is one-hot",
        statement=(
            "For l in R^k (l_{a_hat} = ||s' - g_hat(s,a_hat)||^2) and lambda > 0: min_{q in Delta_k} <q,l> + lambda H(q) "
            "= min_{a_hat} l_{a_hat}, and the minimisers are exactly the one-hot e_{a_hat} with a_hat in argmin l "
            "(ties included: every argmin vertex, and no mixture of them)."
        ),
        assumptions=(POSITIVE_LAMBDA,),
        notes=(
            "Consequence: for a fixed FDM the optimal IDM is hard assignment h_hat(s,s') = argmin_{a_hat} "
            "||s' - g_hat(s,a_hat)||^2 (nearest decoding, k-means/VQ-like), linking the analysis to LAPO's VQ bottleneck.",
        ),
    ),
    Claim(
        id="LA-L2", paper=P, where=_UNPLACED.format("lemma"), provenance="reconstructed",
        kind="lemma", quantifier="every-minimiser",
        provenance_note="this project's lemma; no abstract-level counterpart",
        title="Regularisation keeps the optimal value and selects deterministic solutions",
        statement=(
            "For every lambda > 0, inf_{q,g_hat} L_lambda = inf_{h_hat,g_hat} L_rec (unconstrained measurable q, h_hat), "
            "every minimiser (q*, g_hat*) of L_lambda has q* one-hot p-a.e., and the induced (h_hat*, g_hat*) minimise "
            "L_rec; under A1 both infima are 0."
        ),
        assumptions=(FINITE_SETTING, POSITIVE_LAMBDA, IDM_ENTROPY),
        notes=(
            "Caveat: with a restricted IDM class (e.g. continuous q) the infimum may not be attained by a one-hot q when "
            "reconstruction cannot be zero.",
            "Under the alternative reading H(A_hat|S) the first and last parts fail for lambda above a process-dependent "
            "threshold lambda* = min L_rec(h) / (H_0 - H(A_hat|S)(h)) over lossy labellings h (merging codes lowers "
            "H(A_hat|S)); lamcheck computes lambda* exactly on the finite test bed.",
        ),
    ),
    Claim(
        id="LA-L3", paper=P, where=_UNPLACED.format("lemma (standard topology)"), provenance="reconstructed",
        kind="lemma",
        provenance_note="standard topological fact; its role in the paper's argument is reconstructed",
        title="Topological lemma for D2",
        statement=(
            "A continuous map from a connected space into a discrete (e.g. finite) set is constant; in particular a "
            "continuous phi: C -> Delta_k with phi(C) subset {e_1, ..., e_k} and C connected is constant. Quantitatively, "
            "a continuous phi along a path whose arg max changes passes through a point with max phi <= 1/2, where "
            "H(phi) >= log 2."
        ),
    ),
    Claim(
        id="LA-X1", paper=P, where="reconstructed sanity counter-claim of this project (not a paper claim)",
        provenance="reconstructed", kind="counter-claim", quantifier="every-minimiser",
        provenance_note="this project's sanity counter-claim, not a paper claim",
        title="An entropy bonus gives a Gibbs IDM",
        statement=(
            "For tau > 0, min_{q in Delta_k} <q,l> - tau H(q) has the unique solution q_{a_hat} proportional to "
            "exp(-l_{a_hat}/tau), i.e. q = softmax(-l/tau), never one-hot for finite l: the sign of the regulariser is "
            "essential."
        ),
    ),
    Claim(
        id="LA-T1", paper=P, where=_UNPLACED.format("theorem (D1)"), provenance="reconstructed",
        quantifier="every-minimiser",
        provenance_note=_GIST_NOTE.format("A1+A2 => D1"),
        title="Determinism (D1)",
        statement=(
            "Let lambda > 0 and (q*, g_hat*) be ANY global minimiser of L_lambda; under A1 (realisability, k >= m) and A2 "
            "(q* continuous on cl(supp p(s,s'))), L_rec(q*, g_hat*) = 0 and q*(.|s,s') is one-hot for every (s,s') in "
            "the support."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, POSITIVE_LAMBDA, SEPARATED_GRAPHS, IDM_ENTROPY),
        notes=(
            "Gap to watch: 'a zero-loss solution exists' must hold inside the continuous IDM class. A continuous q that is "
            "one-hot on the support exists only if the action graphs Gamma_a have disjoint closures, essentially A4 plus "
            "compactness. This ledger states it explicitly as 'la-separated-action-graphs'; on the finite test bed the "
            "realisability clause of A1 (evaluated in the continuity class) already implies what is needed.",
            "When k = m and pi has full support, determinism already follows from zero reconstruction at lambda = 0 (each "
            "of the m distinct next states at s needs its own code); the entropy term is needed only when k > m or some "
            "states have fewer available actions (LA-U1).",
        ),
    ),
    Claim(
        id="LA-T2", paper=P, where=_UNPLACED.format("theorem (D2)"), provenance="reconstructed",
        quantifier="every-minimiser",
        provenance_note=_GIST_NOTE.format("A1-A3 => D2"),
        title="State-independence (D2)",
        statement=(
            "Under A1-A3 (S_a connected for every a, g(.,a) continuous, q* continuous), EVERY global minimiser of "
            "L_lambda satisfies: for each a there is v(a) in A_hat with q*(.|s, g(s,a)) = e_{v(a)} for all s in S_a."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, POSITIVE_LAMBDA, SEPARATED_GRAPHS, IDM_ENTROPY),
        notes=(
            "Why discrete latents (abstract-level claim, reconstructed mechanism): with A_hat = R^k a continuous IDM can "
            "output phi_s(v(a)) for a continuous family of bijections phi_s (or copy s'): zero loss, deterministic, but D2 "
            "fails; finiteness of A_hat plus continuity rules this out.",
            "D2 needs continuity of the learned IDM (LA-U2). What must be connected is S_a, per action: with S connected "
            "but some S_a disconnected D2 fails (LA-U2's exhaustive check gives the smallest instance).",
            "The converse of the finite version ('D2 at every minimiser only if every S_a is connected') is FALSE: codes "
            "can be forced across components (k = 1, or k = m with another action spanning both components); "
            "lamcheck reports the smallest counterexample.",
            "Transfer to VQ-LAPO (continuous encoder, discontinuous argmin quantiser, k ~ 2.8e14 codes) fails: LA-C1.",
        ),
    ),
    Claim(
        id="LA-T3", paper=P, where=_UNPLACED.format("theorem (D3)"), provenance="reconstructed",
        quantifier="every-minimiser",
        provenance_note=_GIST_NOTE.format("A1-A4 => D3"),
        title="Injectivity (D3)",
        statement=(
            "Under A1-A4 (with overlap) the map v of LA-T2 is injective at EVERY global minimiser, so a = v^{-1}(a_hat): "
            "the latent equals the true action up to the fixed, state-independent relabelling v."
        ),
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, A4_INJECTIVITY, OVERLAP, POSITIVE_LAMBDA, SEPARATED_GRAPHS,
                     IDM_ENTROPY),
        notes=(
            "The proof uses g(s,a) = g_hat*(s,v(a)) = g_hat*(s,v(b)) = g(s,b) at some s in S_a intersect S_b, so it needs "
            "zero loss at s, not just a.e. (continuity of g_hat* or of g plus closure arguments), and overlap, which "
            "expert policies may not provide (LA-U4 (iii)); without overlap the finite check finds the smallest "
            "counterexample (two states, one action each).",
        ),
    ),
    Claim(
        id="LA-T", paper=P, where=_UNPLACED.format("main theorem"), provenance="reconstructed",
        quantifier="every-minimiser",
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
        assumptions=(A1_SETTING, A2_CONTINUITY, A3_CONNECTIVITY, A4_INJECTIVITY, OVERLAP, POSITIVE_LAMBDA, SEPARATED_GRAPHS,
                     IDM_ENTROPY),
        repair=Repair(
            statement=(
                "Under A1-A4 and lambda > 0, every minimiser satisfies D1-D3 with v injective, and g_hat*(s, v(a)) = g(s, a) "
                "for every a and s in S_a; off S_a (states where the expert never takes a) g_hat*(s, v(a)) is not "
                "determined: every value is attained by some global minimiser."
            ),
            note=("As written the FDM clause reads 'for every s in S'; when some action is not used everywhere "
                  "(S_a != S) the data never constrain g_hat*(s, v(a)) for s outside S_a. Checked on the whole domain."),
        ),
        notes=(
            "Third-party wording: 'the optimal latent-action labeling is deterministic and injective, making latent actions "
            "identifiable with respect to the true actions.'",
            "Claims concern global minimisers of the population objective; SGD, finite data, stochastic dynamics, "
            "exogenous noise and partial observability are not covered.",
        ),
    ),
    Claim(
        id="LA-S1", paper=P, where=_UNPLACED.format("proposition ('statistical benefits')"),
        provenance="reconstructed",
        provenance_note="'statistical benefits' named at abstract level; content reconstructed",
        title="Statistical benefit: the latent policy is the expert policy up to relabelling",
        statement=(
            "If D1-D3 hold, the stage-2 target is pi_hat(a_hat|s) = pi(v^{-1}(a_hat)|s) for a_hat in v(A) (0 otherwise), "
            "so pi(a|s) = pi_hat(v(a)|s): the latent policy carries exactly the expert policy, learned from unlabelled data."
        ),
        assumptions=(IDENTIFIED,),
    ),
    Claim(
        id="LA-S2", paper=P, where=_UNPLACED.format("proposition ('statistical benefits')"),
        provenance="reconstructed",
        provenance_note="'statistical benefits' is abstract-level; this bound is this project's",
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
        id="LA-U1", paper=P, where=_UNPLACED.format("example ('sources of unidentifiability')"),
        provenance="reconstructed", kind="counter-claim", quantifier="some-minimiser",
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
        id="LA-U2", paper=P, where=_UNPLACED.format("example (why continuity and connectivity are needed)"),
        provenance="reconstructed", kind="counter-claim", quantifier="some-minimiser",
        provenance_note="this project's example (why continuity and connectivity are needed)",
        title="State-dependent relabelling without continuity or connectivity",
        statement=(
            "For injections sigma_s: A -> A_hat, h_hat(s,g(s,a)) = sigma_s(a) with g_hat(s,a_hat) = g(s, sigma_s^{-1}(a_hat)) "
            "has zero loss and zero entropy, and D2 fails unless sigma_s is constant: e.g. S = [0,1], sigma_s = id for "
            "s < 1/2 and the swap for s >= 1/2 (discontinuous IDM), or S = [0,1] union [2,3] with identity on one component "
            "and the swap on the other (continuous IDM); both are global minimisers of L_lambda for every lambda."
        ),
        assumptions=(FINITE_SETTING, IDM_ENTROPY),
        notes=("The entropy term does not fix D2; continuity plus connectivity do.",),
    ),
    Claim(
        id="LA-U3", paper=P, where=_UNPLACED.format("example (why discrete latents)"),
        provenance="reconstructed", kind="counter-claim", quantifier="some-minimiser",
        provenance_note="abstract-level claim that discreteness explains why discrete latents work; example reconstructed",
        title="Continuous latent spaces are not state-independent",
        statement=(
            "With A_hat = R^d, h_hat(s,s') = s' and g_hat(s,a_hat) = a_hat give zero loss, but the latent is the next state, "
            "which depends on s, so D2 fails; a continuous bounded code (e.g. h_hat = s' - s in R^2) still fails D2 whenever "
            "the displacement depends on s (e.g. the state-dependent rotation of the continuous test bed)."
        ),
        assumptions=(CONTINUOUS_LATENT,),
    ),
    Claim(
        id="LA-U4", paper=P, where=_UNPLACED.format("example ('injectivity')"), provenance="reconstructed",
        kind="counter-claim", quantifier="some-minimiser",
        provenance_note="'injectivity' condition named at abstract level (third-party); example reconstructed",
        title="Non-injective dynamics or no overlap",
        statement=(
            "(i) If g(s,a) = g(s,b) for all s, no objective on (s,s') data separates a from b: D3 is impossible; (ii) if "
            "g(s,a) = g(s,b) only on part of S, a continuous IDM forces v(a) = v(b) on the connected S_a union S_b and zero "
            "loss becomes impossible; (iii) if S_a and S_b are disjoint separated sets, v(a) = v(b) with g_hat(.,c) = g(.,a) "
            "on S_a and g(.,b) on S_b has zero loss, so D3 fails although g(s,.) is injective."
        ),
        assumptions=(FINITE_SETTING, IDM_ENTROPY),
        repair=Repair(
            statement=(
                "(i) as written when a and b co-occur somewhere (with S_a intersect S_b empty a labelling by region "
                "separates them); (iii) as written; (ii) if g(s0,a) = g(s0,b) at some s0, S_a and S_b are EACH connected and a, b "
                "co-occur with g(s,a) != g(s,b) at some s, then a continuous IDM forces v(a) = v(b) on S_a union S_b and "
                "zero loss is impossible."
            ),
            note=("'S_a union S_b connected' does not force v(a) = v(b): continuity ties the code of a only along S_a, so "
                  "with S_b disconnected the component of S_b away from the merge point can take its own code; and "
                  "without a co-occurrence with distinct outcomes nothing forbids v(a) = v(b) at zero loss."),
        ),
        notes=("Real environments (Procgen walls, no-ops) violate A4 routinely.",),
    ),
    Claim(
        id="LA-C1", paper=P, where="abstract (claim); mechanism reconstructed", provenance="reconstructed",
        quantifier="every-minimiser",
        provenance_note="abstract-level claim (explains why discrete latent actions work well); mechanism reconstructed",
        title="Corollary: why discrete action representations perform well",
        statement=(
            "With finite A_hat the regularised optimum over continuous encoders is automatically state-independent on "
            "connected state sets (LA-T2), whereas with continuous codes it is not (LA-U3); LAPO's VQ bottleneck (a "
            "continuous encoder followed by an argmin quantiser) is the practical discrete bottleneck to which this applies."
        ),
        assumptions=(A1_SETTING, CONTINUOUS_ENCODER, A3_CONNECTIVITY, POSITIVE_LAMBDA),
        repair=Repair(
            statement=(
                "With finite A_hat and a continuous map from (s, s') to the code distribution (softmax IDM), every "
                "regularised optimum is state-independent on connected S_a (LA-T2); with continuous codes it need not be "
                "(LA-U3). A VQ bottleneck (continuous encoder + argmin quantiser) is discrete but NOT continuous as a map "
                "to codes: with spare codes (k > m, as in LAPO's 64^8 codes for 15 actions) it has zero-loss, "
                "deterministic, state-dependent global minimisers, so discreteness alone does not give D2."
            ),
            note=("The guarantee needs continuity of the code assignment itself; argmin over a codebook is discontinuous "
                  "at Voronoi boundaries (an explicit zero-loss VQ solution switches codes along a path)."),
        ),
        notes=(
            "LAPO uses k = 64^8 ~ 2.8e14 codes for m = 15 actions (github.com/schmidtdominik/LAPO lapo/config.yaml, "
            "model.vq); which VQ minimiser its protocol selects is what the trained VQ-EMA check reports.",
        ),
    ),
)

(** * (e) From the inradius to the per-step factor: the chain of bound 3

    Prose (proofs/greedy-decay.md, bound 3, last paragraph): if a ball of
    radius r around t, inside the affine hull of the atoms, lies in
    conv{phi_i}, then w_n >= r for every n (u = e_n/||e_n|| lies in the hull's
    direction space, and t - r u is in the hull), and D_n <= D, the diameter
    of the atom set.  Hence L_n <= (1 - r^2/D^2)^{n-1} L_1.

    Here:
    - [in_hull M k phi x]: x is a convex combination of phi_0 .. phi_(k-1);
    - [in_dir M k phi t u]: u is a linear combination of the phi_i - t (the
      hull's direction space when t is in the affine hull, e.g. t = the mean);
    - [inradius_ge M k phi t r]: t - r u is in the hull for every unit u of
      that space -- "the ball of radius r around t inside the affine hull lies
      in the hull" (by convexity the sphere suffices);
    - [diam_le M k phi D]: ||phi_i - phi_l|| <= D for all atoms i, l (D may be
      the diameter itself, or any upper bound).
    The links, in order: [inradius_margin] (a representation t - r u =
    sum_i lam_i phi_i gives an atom with <u, t - phi_i> >= r),
    [iterate_margin] (the certificate's w_n >= r), [hull_atom_dist] and
    [hull_diameter] (D_n <= D), [inradius_step] (one step contracts by
    1 - r^2/D^2, through LineSearch.v's [line_search_certificate]) and
    [greedy_linesearch_envelope] (L_n <= (1 - r^2/D^2)^{n-1} L_1, through
    Contraction.v's [iterate_contraction]).  Vectors of R^M are functions
    [nat -> R], see FinSum.v. *)

From Coq Require Import Reals Lra Psatz.
From Greedy Require Import FinSum LineSearch Contraction.
Open Scope R_scope.

Definition in_hull (M k : nat) (phi : nat -> nat -> R) (x : nat -> R) : Prop :=
  exists lam : nat -> R,
    (forall i, (i < k)%nat -> 0 <= lam i) /\ fsum k lam = 1 /\
    forall j, (j < M)%nat -> x j = fsum k (fun i => lam i * phi i j).

Definition in_dir (M k : nat) (phi : nat -> nat -> R) (t u : nat -> R) : Prop :=
  exists c : nat -> R,
    forall j, (j < M)%nat -> u j = fsum k (fun i => c i * (phi i j - t j)).

Definition inradius_ge (M k : nat) (phi : nat -> nat -> R) (t : nat -> R) (r : R) : Prop :=
  forall u, nrm2 M u = 1 -> in_dir M k phi t u -> in_hull M k phi (fun j => t j - r * u j).

Definition diam_le (M k : nat) (phi : nat -> nat -> R) (D : R) : Prop :=
  forall i l, (i < k)%nat -> (l < k)%nat -> norm M (fun j => phi i j - phi l j) <= D.

(** ** Convex combinations of numbers and of vectors *)

(** Weights summing to 1 need at least one atom. *)
Lemma weights_nonempty : forall k lam, fsum k lam = 1 -> (1 <= k)%nat.
Proof. intros [|k] lam H; simpl in H; [lra | lia]. Qed.

Lemma in_hull_nonempty : forall M k phi x, in_hull M k phi x -> (1 <= k)%nat.
Proof. intros M k phi x [lam [_ [Hs _]]]. exact (weights_nonempty k lam Hs). Qed.

(** Weights summing to 1 pass through affine terms. *)
Lemma comb_sub_r : forall k lam (b : nat -> R) a, fsum k lam = 1 ->
  fsum k (fun i => lam i * (b i - a)) = fsum k (fun i => lam i * b i) - a.
Proof.
  intros k lam b a Hs.
  rewrite (fsum_ext k _ (fun i => lam i * b i + (- a) * lam i)) by (intros; ring).
  rewrite fsum_plus, fsum_scal, Hs. ring.
Qed.

Lemma comb_sub_l : forall k lam (b : nat -> R) a, fsum k lam = 1 ->
  fsum k (fun i => lam i * (a - b i)) = a - fsum k (fun i => lam i * b i).
Proof.
  intros k lam b a Hs.
  rewrite (fsum_ext k _ (fun i => a * lam i + (-1) * (lam i * b i))) by (intros; ring).
  rewrite fsum_plus, !fsum_scal, Hs. ring.
Qed.

(** A convex combination of numbers each <= B is <= B ... *)
Lemma comb_le_bound : forall k lam (g : nat -> R) B,
  (forall i, (i < k)%nat -> 0 <= lam i) -> fsum k lam = 1 ->
  (forall i, (i < k)%nat -> g i <= B) ->
  fsum k (fun i => lam i * g i) <= B.
Proof.
  intros k lam g B Hpos Hs Hg.
  apply Rle_trans with (fsum k (fun i => B * lam i)).
  - apply fsum_le. intros i Hi. specialize (Hpos i Hi). specialize (Hg i Hi). nra.
  - rewrite fsum_scal, Hs. lra.
Qed.

(** ... so it is at most the largest of them: some member is >= it. *)
Lemma comb_le_some : forall k lam (g : nat -> R),
  (forall i, (i < k)%nat -> 0 <= lam i) -> fsum k lam = 1 ->
  exists i, (i < k)%nat /\ fsum k (fun l => lam l * g l) <= g i.
Proof.
  intros k lam g Hpos Hs.
  (* the largest g_i is the smallest -g_i *)
  destruct (exists_argmin k (fun i => - g i) (weights_nonempty k lam Hs))
    as [i [Hi Hmax]].
  exists i. split; [exact Hi|].
  apply comb_le_bound; [exact Hpos | exact Hs |].
  intros l Hl. specialize (Hmax l Hl). simpl in Hmax. lra.
Qed.

(** The inner product is linear in a combination of vectors. *)
Lemma dot_comb : forall M k (u lam : nat -> R) (v : nat -> nat -> R),
  dot M u (fun j => fsum k (fun i => lam i * v i j))
  = fsum k (fun i => lam i * dot M u (v i)).
Proof.
  intros M k u lam v. unfold dot.
  transitivity (fsum M (fun j => fsum k (fun i => u j * (lam i * v i j)))).
  - apply fsum_ext. intros j Hj. rewrite fsum_scal. reflexivity.
  - rewrite <- (fsum_swap k M (fun i j => u j * (lam i * v i j))).
    apply fsum_ext. intros i Hi. rewrite <- fsum_scal.
    apply fsum_ext. intros j Hj. ring.
Qed.

Lemma norm_ext : forall M x x',
  (forall j, (j < M)%nat -> x j = x' j) -> norm M x = norm M x'.
Proof. intros. unfold norm. rewrite (nrm2_ext M x x') by assumption. reflexivity. Qed.

(** A convex combination of vectors of norm <= D has norm <= D.
    With s the combination: ||s||^2 = <s, s> = sum_i lam_i <s, v_i>
    <= sum_i lam_i ||s|| ||v_i|| <= ||s|| D (Cauchy-Schwarz); divide by ||s||. *)
Lemma comb_norm_le : forall M k lam (v : nat -> nat -> R) D,
  (forall i, (i < k)%nat -> 0 <= lam i) -> fsum k lam = 1 ->
  (forall i, (i < k)%nat -> norm M (v i) <= D) ->
  norm M (fun j => fsum k (fun i => lam i * v i j)) <= D.
Proof.
  intros M k lam v D Hpos Hs Hv.
  set (s := fun j => fsum k (fun i => lam i * v i j)).
  assert (HD : 0 <= D).
  { apply Rle_trans with (norm M (v 0%nat)); [apply norm_nonneg|].
    apply Hv. pose proof (weights_nonempty k lam Hs). lia. }
  assert (Hsq : norm M s ^ 2 <= norm M s * D).
  { rewrite norm_sq. unfold nrm2.
    unfold s at 2. rewrite dot_comb.
    apply comb_le_bound; [exact Hpos | exact Hs |].
    intros i Hi.
    pose proof (cauchy_schwarz_norm M s (v i)) as HCS.
    pose proof (Hv i Hi). pose proof (norm_nonneg M s).
    apply Rle_trans with (norm M s * norm M (v i)).
    - unfold Rabs in HCS. destruct (Rcase_abs (dot M s (v i))); lra.
    - apply Rmult_le_compat_l; lra. }
  pose proof (norm_nonneg M s). nra.
Qed.

(** ** Link 2: D_n <= D *)

(** Every atom lies within D of every point of the hull:
    phi_i - x = sum_l mu_l (phi_i - phi_l).  With x = f_n this is
    ||phi_i - f_n|| <= D for every i, i.e. D_n = max_i ||phi_i - f_n|| <= D. *)
Lemma hull_atom_dist : forall M k phi D x i,
  diam_le M k phi D -> in_hull M k phi x -> (i < k)%nat ->
  norm M (fun j => phi i j - x j) <= D.
Proof.
  intros M k phi D x i Hdiam [mu [Hpos [Hs Hx]]] Hi.
  rewrite (norm_ext M _ (fun j => fsum k (fun l => mu l * (phi i j - phi l j)))).
  - apply comb_norm_le; [exact Hpos | exact Hs |].
    intros l Hl. apply Hdiam; assumption.
  - intros j Hj. rewrite comb_sub_l, <- Hx by assumption. reflexivity.
Qed.

(** Any two points of the hull are within D: x - y = sum_i lam_i (phi_i - y). *)
Theorem hull_diameter : forall M k phi D x y,
  diam_le M k phi D -> in_hull M k phi x -> in_hull M k phi y ->
  norm M (fun j => x j - y j) <= D.
Proof.
  intros M k phi D x y Hdiam [lam [Hpos [Hs Hx]]] Hy.
  rewrite (norm_ext M _ (fun j => fsum k (fun i => lam i * (phi i j - y j)))).
  - apply comb_norm_le; [exact Hpos | exact Hs |].
    intros i Hi. apply (hull_atom_dist M k phi D y i); assumption.
  - intros j Hj. rewrite comb_sub_r, <- Hx by assumption. reflexivity.
Qed.

(** ** Link 1: the inradius gives the margin *)

(** If t - r u = sum_i lam_i phi_i (convex) and <u, u> = 1, some atom has
    <u, t - phi_i> >= r: the convex combination of the numbers <u, t - phi_i>
    is <u, t - sum_i lam_i phi_i> = <u, r u> = r, and some member is at least
    the combination.  No sign condition on r is needed. *)
Theorem inradius_margin : forall M k phi (t u : nat -> R) r,
  nrm2 M u = 1 ->
  in_hull M k phi (fun j => t j - r * u j) ->
  exists i, (i < k)%nat /\ r <= dot M u (fun j => t j - phi i j).
Proof.
  intros M k phi t u r Hu [lam [Hpos [Hs Hrep]]].
  destruct (comb_le_some k lam (fun i => dot M u (fun j => t j - phi i j)) Hpos Hs)
    as [i [Hi Hle]].
  exists i. split; [exact Hi|].
  (* the combination equals r *)
  assert (Hr : fsum k (fun l => lam l * dot M u (fun j => t j - phi l j)) = r).
  { rewrite <- (dot_comb M k u lam (fun l j => t j - phi l j)).
    rewrite (dot_ext M u u _ (fun j => r * u j)); [| intros; reflexivity |].
    - rewrite dot_sym, dot_scal_l. fold (nrm2 M u). rewrite Hu. ring.
    - intros j Hj. rewrite comb_sub_l by exact Hs. rewrite <- (Hrep j Hj). ring. }
  lra.
Qed.

(** The residual direction of a hull point: u = (f - t)/||f - t|| is a unit
    vector of the direction space, since f - t = sum_i lam_i (phi_i - t). *)
Lemma residual_unit_dir : forall M k phi (t f : nat -> R),
  in_hull M k phi f -> norm M (fun j => f j - t j) <> 0 ->
  nrm2 M (fun j => (f j - t j) / norm M (fun j => f j - t j)) = 1 /\
  in_dir M k phi t (fun j => (f j - t j) / norm M (fun j => f j - t j)).
Proof.
  intros M k phi t f [lam [Hpos [Hs Hf]]] Hne.
  set (e := fun j => f j - t j) in *.
  split.
  - rewrite (nrm2_ext M _ (fun j => / norm M e * e j)) by (intros; unfold e, Rdiv; ring).
    rewrite nrm2_scal, <- norm_sq. field. exact Hne.
  - exists (fun i => lam i / norm M e). intros j Hj.
    rewrite (fsum_ext k _ (fun i => / norm M e * (lam i * (phi i j - t j))))
      by (intros; unfold Rdiv; ring).
    rewrite fsum_scal, comb_sub_r, <- Hf by assumption.
    unfold e, Rdiv. ring.
Qed.

(** The certificate's margin: for an iterate f in the hull with f <> t, the
    quantity of LineSearch.v, w = <e/||e||, t - phi_i> with e = f - t, is
    >= r for some atom -- so w_n = max_i <u, t - phi_i> >= r.  (Sign
    convention as in the certificate: the chosen atom lies on the far side
    of t from f.) *)
Theorem iterate_margin : forall M k phi (t f : nat -> R) r,
  inradius_ge M k phi t r -> in_hull M k phi f ->
  norm M (fun j => f j - t j) <> 0 ->
  exists i, (i < k)%nat /\
    r <= dot M (fun j => (f j - t j) / norm M (fun j => f j - t j))
               (fun j => t j - phi i j).
Proof.
  intros M k phi t f r Hin Hf Hne.
  destruct (residual_unit_dir M k phi t f Hf Hne) as [Hu Hdir].
  apply inradius_margin; [exact Hu|].
  apply Hin; assumption.
Qed.

(** A ball of radius r in a hull of diameter D has 2r <= D, as soon as the
    direction space contains a unit vector u: t - r u and t + r u are both in
    the hull, 2r apart. *)
Lemma inradius_le_half_diam : forall M k phi t r D u,
  0 <= r -> inradius_ge M k phi t r -> diam_le M k phi D ->
  nrm2 M u = 1 -> in_dir M k phi t u ->
  2 * r <= D.
Proof.
  intros M k phi t r D u Hr Hin Hdiam Hu [c Hc].
  assert (Hu' : nrm2 M (fun j => - u j) = 1).
  { rewrite (nrm2_ext M _ (fun j => (-1) * u j)) by (intros; ring).
    rewrite nrm2_scal, Hu. ring. }
  assert (Hdir' : in_dir M k phi t (fun j => - u j)).
  { exists (fun i => - c i). intros j Hj.
    rewrite (fsum_ext k _ (fun i => (-1) * (c i * (phi i j - t j)))) by (intros; ring).
    rewrite fsum_scal, <- Hc by exact Hj. ring. }
  pose proof (hull_diameter M k phi D _ _ Hdiam (Hin _ Hu' Hdir') (Hin _ Hu (ex_intro _ c Hc)))
    as Hd.
  (* (t + r u) - (t - r u) = 2r u, of norm 2r *)
  rewrite (norm_ext M _ (fun j => (2 * r) * u j)) in Hd by (intros; ring).
  pose proof (norm_sq M (fun j => (2 * r) * u j)) as Hsq.
  rewrite nrm2_scal, Hu in Hsq.
  pose proof (norm_nonneg M (fun j => (2 * r) * u j)).
  nra.
Qed.

(** ** Link 3: one step, and the whole run *)

Lemma disc_nonneg : forall M f t, 0 <= disc M f t.
Proof.
  intros. unfold disc, Rdiv. apply Rmult_le_pos; [apply nrm2_nonneg | apply inv_INR_nonneg].
Qed.

Lemma disc_zero : forall M (f t : nat -> R),
  norm M (fun j => f j - t j) = 0 -> disc M f t = 0.
Proof.
  intros M f t H. unfold disc. rewrite <- norm_sq, H. unfold Rdiv. ring.
Qed.

(** One step: from a hull point f, some atom and some gamma in [0, 1] give
    L((1 - gamma) f + gamma phi_i) <= (1 - r^2/D^2) L(f).  For f <> t this is
    [line_search_certificate] with the atom of [iterate_margin] (w >= r) and
    D >= ||phi_i - f|| ([hull_atom_dist]), then [factor_mono]; for f = t,
    gamma = 0 and both sides are 0. *)
Theorem inradius_step : forall M k phi (t f : nat -> R) r D,
  0 <= r -> 0 < D ->
  inradius_ge M k phi t r -> diam_le M k phi D -> in_hull M k phi f ->
  exists i gamma, (i < k)%nat /\ 0 <= gamma <= 1 /\
    disc M (fun j => (1 - gamma) * f j + gamma * phi i j) t
    <= (1 - r ^ 2 / D ^ 2) * disc M f t.
Proof.
  intros M k phi t f r D Hr HD Hin Hdiam Hf.
  destruct (Req_dec (norm M (fun j => f j - t j)) 0) as [H0|Hne].
  - (* f = t: stay, L = 0 on both sides *)
    exists 0%nat, 0. split; [pose proof (in_hull_nonempty M k phi f Hf); lia|].
    split; [lra|].
    rewrite (disc_zero M f t H0).
    replace (disc M (fun j => (1 - 0) * f j + 0 * phi 0%nat j) t) with (disc M f t)
      by (unfold disc; f_equal; apply nrm2_ext; intros; ring).
    rewrite (disc_zero M f t H0). lra.
  - destruct (iterate_margin M k phi t f r Hin Hf Hne) as [i [Hi Hw]].
    pose proof (line_search_certificate M f t (phi i) D) as C. cbv zeta in C.
    destruct C as [gamma [Hg Hbound]];
      [lra | exact HD | apply (hull_atom_dist M k phi D f i Hdiam Hf Hi) |].
    exists i, gamma. split; [exact Hi|]. split; [exact Hg|].
    eapply Rle_trans; [exact Hbound|].
    apply Rmult_le_compat_r; [apply disc_nonneg|].
    apply factor_mono; lra.
Qed.

(** Either r <= D (so the rate r^2/D^2 is at most 1, as Contraction.v needs),
    or the run sits at t from step 1 on (then every L_n = 0 and any envelope
    holds): an iterate f_n <> t puts a unit vector in the direction space, and
    then 2r <= D. *)
Lemma rate_or_at_target : forall M k phi (t : nat -> R) r D (f : nat -> nat -> R),
  0 <= r -> 0 < D ->
  inradius_ge M k phi t r -> diam_le M k phi D ->
  (forall n, (1 <= n)%nat -> in_hull M k phi (f n)) ->
  r <= D \/ (forall n, (1 <= n)%nat -> disc M (f n) t = 0).
Proof.
  intros M k phi t r D f Hr HD Hin Hdiam Hhull.
  destruct (Rle_dec r D) as [Hle|Hgt]; [left; exact Hle | right].
  intros n Hn.
  destruct (Req_dec (norm M (fun j => f n j - t j)) 0) as [H0|Hne].
  - apply disc_zero. exact H0.
  - (* f_n <> t gives a unit vector of the direction space, so 2r <= D < r *)
    exfalso.
    destruct (residual_unit_dir M k phi t (f n) (Hhull n Hn) Hne) as [Hu Hdir].
    pose proof (inradius_le_half_diam M k phi t r D _ Hr Hin Hdiam Hu Hdir).
    lra.
Qed.

(** The chain end to end.  Hypotheses: a ball of radius r >= 0 around t inside
    the affine hull lies in the hull ([inradius_ge]); the atoms are within
    D > 0 of each other ([diam_le]); every iterate f_n (n >= 1) is in the hull
    and f_{n+1} is no worse in L than every line-search candidate
    (1 - gamma) f_n + gamma phi_i, gamma in [0, 1] -- the exact line search is
    one such choice.  Then L_n <= (1 - r^2/D^2)^{n-1} L_1 for n >= 1. *)
Theorem greedy_linesearch_envelope :
  forall M k phi (t : nat -> R) r D (f : nat -> nat -> R),
  0 <= r -> 0 < D ->
  inradius_ge M k phi t r -> diam_le M k phi D ->
  (forall n, (1 <= n)%nat -> in_hull M k phi (f n)) ->
  (forall n i gamma, (1 <= n)%nat -> (i < k)%nat -> 0 <= gamma <= 1 ->
     disc M (f (S n)) t
     <= disc M (fun j => (1 - gamma) * f n j + gamma * phi i j) t) ->
  forall n, (1 <= n)%nat ->
  disc M (f n) t <= (1 - r ^ 2 / D ^ 2) ^ (n - 1) * disc M (f 1%nat) t.
Proof.
  intros M k phi t r D f Hr HD Hin Hdiam Hhull Hbest n Hn.
  destruct (rate_or_at_target M k phi t r D f Hr HD Hin Hdiam Hhull) as [HrD|Hzero].
  - (* per step: L_{n+1} <= (1 - r^2/D^2) L_n, then iterate from L_1 *)
    assert (Hrho : r ^ 2 / D ^ 2 <= 1).
    { apply Rmult_le_reg_r with (D ^ 2); [nra|].
      unfold Rdiv. rewrite Rmult_assoc, Rinv_l by nra. nra. }
    pose proof (iterate_contraction (fun p => disc M (f (S p)) t)
                  (fun _ => 1 - r ^ 2 / D ^ 2) (r ^ 2 / D ^ 2)
                  (fun p => disc_nonneg M (f (S p)) t) Hrho) as It.
    destruct n as [|m]; [lia|].
    replace (S m - 1)%nat with m by lia.
    apply It; [|intros; lra].
    intros p.
    destruct (inradius_step M k phi t (f (S p)) r D Hr HD Hin Hdiam
                (Hhull (S p) ltac:(lia))) as [i [gamma [Hi [Hg Hstep]]]].
    eapply Rle_trans; [apply (Hbest (S p) i gamma); [lia | exact Hi | exact Hg]|].
    exact Hstep.
  - (* r > D: the run is at t, every L_n = 0 *)
    rewrite (Hzero n Hn), (Hzero 1%nat ltac:(lia)). lra.
Qed.

(** ** The line-search run stays in the hull *)

Lemma fsum_indicator : forall k i (a : nat -> R), (i < k)%nat ->
  fsum k (fun l => if Nat.eq_dec l i then a l else 0) = a i.
Proof.
  induction k as [|k IH]; intros i a Hi; [lia|]. simpl.
  destruct (Nat.eq_dec k i) as [->|Hne].
  - (* the earlier terms all vanish *)
    rewrite (fsum_ext i _ (fun _ => 0)), fsum_zero; [ring|].
    intros l Hl. destruct (Nat.eq_dec l i); [lia | reflexivity].
  - rewrite IH by lia. ring.
Qed.

Lemma atom_in_hull : forall M k phi i, (i < k)%nat -> in_hull M k phi (phi i).
Proof.
  intros M k phi i Hi.
  exists (fun l => if Nat.eq_dec l i then 1 else 0). split; [|split].
  - intros l Hl. destruct (Nat.eq_dec l i); lra.
  - apply fsum_indicator. exact Hi.
  - intros j Hj.
    rewrite (fsum_ext k _ (fun l => if Nat.eq_dec l i then phi l j else 0)).
    + rewrite fsum_indicator by exact Hi. reflexivity.
    + intros l Hl. destruct (Nat.eq_dec l i) as [->|]; ring.
Qed.

(** (1 - gamma) x + gamma phi_i has weights (1 - gamma) lam + gamma [l = i]. *)
Lemma in_hull_step : forall M k phi x i gamma,
  in_hull M k phi x -> (i < k)%nat -> 0 <= gamma <= 1 ->
  in_hull M k phi (fun j => (1 - gamma) * x j + gamma * phi i j).
Proof.
  intros M k phi x i gamma [lam [Hpos [Hs Hx]]] Hi Hg.
  exists (fun l => (1 - gamma) * lam l + (if Nat.eq_dec l i then gamma else 0)).
  split; [|split].
  - intros l Hl. specialize (Hpos l Hl).
    destruct (Nat.eq_dec l i); nra.
  - rewrite fsum_plus, fsum_scal, Hs.
    rewrite (fsum_indicator k i (fun _ => gamma) Hi). ring.
  - intros j Hj.
    rewrite (fsum_ext k _ (fun l => (1 - gamma) * (lam l * phi l j)
                               + (if Nat.eq_dec l i then gamma * phi l j else 0))).
    + rewrite fsum_plus, fsum_scal, fsum_indicator, <- Hx by assumption. reflexivity.
    + intros l Hl. destruct (Nat.eq_dec l i); ring.
Qed.

(** The envelope for the line-search run itself: f_1 in the hull (the best
    single atom is, by [atom_in_hull]), f_{n+1} = (1 - gamma_n) f_n +
    gamma_n phi_{a_n} with gamma_n in [0, 1], and this choice no worse than
    every other (atom, gamma) -- the exact line search. *)
Corollary greedy_linesearch_run :
  forall M k phi (t : nat -> R) r D (f : nat -> nat -> R) (a : nat -> nat) (g : nat -> R),
  0 <= r -> 0 < D ->
  inradius_ge M k phi t r -> diam_le M k phi D ->
  in_hull M k phi (f 1%nat) ->
  (forall n, (1 <= n)%nat -> (a n < k)%nat /\ 0 <= g n <= 1 /\
     forall j, (j < M)%nat -> f (S n) j = (1 - g n) * f n j + g n * phi (a n) j) ->
  (forall n i gamma, (1 <= n)%nat -> (i < k)%nat -> 0 <= gamma <= 1 ->
     disc M (f (S n)) t
     <= disc M (fun j => (1 - gamma) * f n j + gamma * phi i j) t) ->
  forall n, (1 <= n)%nat ->
  disc M (f n) t <= (1 - r ^ 2 / D ^ 2) ^ (n - 1) * disc M (f 1%nat) t.
Proof.
  intros M k phi t r D f a g Hr HD Hin Hdiam H1 Hrun Hbest.
  apply (greedy_linesearch_envelope M k phi t r D f Hr HD Hin Hdiam); [|exact Hbest].
  (* every iterate is in the hull, by induction from f_1 *)
  intros n Hn. induction n as [|m IH]; [lia|].
  destruct (Nat.eq_dec m 0) as [->|Hm]; [exact H1|].
  destruct (Hrun m ltac:(lia)) as [Ha [Hg Hf]].
  destruct (in_hull_step M k phi (f m) (a m) (g m) (IH ltac:(lia)) Ha Hg)
    as [lam [Hpos [Hs Hx]]].
  exists lam. split; [exact Hpos|]. split; [exact Hs|].
  intros j Hj. rewrite Hf by exact Hj. apply Hx. exact Hj.
Qed.

(** With the exponential and the count of Contraction.v:
    L_n <= e^{-(n-1) r^2/D^2} L_1. *)
Corollary greedy_linesearch_exp :
  forall M k phi (t : nat -> R) r D (f : nat -> nat -> R),
  0 <= r -> 0 < D ->
  inradius_ge M k phi t r -> diam_le M k phi D ->
  (forall n, (1 <= n)%nat -> in_hull M k phi (f n)) ->
  (forall n i gamma, (1 <= n)%nat -> (i < k)%nat -> 0 <= gamma <= 1 ->
     disc M (f (S n)) t
     <= disc M (fun j => (1 - gamma) * f n j + gamma * phi i j) t) ->
  forall n, (1 <= n)%nat ->
  disc M (f n) t <= exp (- (r ^ 2 / D ^ 2 * INR (n - 1))) * disc M (f 1%nat) t.
Proof.
  intros M k phi t r D f Hr HD Hin Hdiam Hhull Hbest n Hn.
  destruct (rate_or_at_target M k phi t r D f Hr HD Hin Hdiam Hhull) as [HrD|Hzero].
  - assert (Hrho : r ^ 2 / D ^ 2 <= 1).
    { apply Rmult_le_reg_r with (D ^ 2); [nra|].
      unfold Rdiv. rewrite Rmult_assoc, Rinv_l by nra. nra. }
    destruct n as [|m]; [lia|].
    replace (S m - 1)%nat with m by lia.
    apply (contraction_exp (fun p => disc M (f (S p)) t) (r ^ 2 / D ^ 2) m Hrho
             (disc_nonneg M (f 1%nat) t)).
    pose proof (greedy_linesearch_envelope M k phi t r D f Hr HD Hin Hdiam Hhull Hbest
                  (S m) ltac:(lia)) as H.
    replace (S m - 1)%nat with m in H by lia. exact H.
  - rewrite (Hzero n Hn), (Hzero 1%nat ltac:(lia)). lra.
Qed.

(** ... and n >= 1 + (D^2/r^2) ln(L_1/eps) steps reach L_n <= eps (r > 0). *)
Corollary greedy_linesearch_count :
  forall M k phi (t : nat -> R) r D eps (f : nat -> nat -> R),
  0 < r -> 0 < D -> 0 < eps ->
  inradius_ge M k phi t r -> diam_le M k phi D ->
  (forall n, (1 <= n)%nat -> in_hull M k phi (f n)) ->
  (forall n i gamma, (1 <= n)%nat -> (i < k)%nat -> 0 <= gamma <= 1 ->
     disc M (f (S n)) t
     <= disc M (fun j => (1 - gamma) * f n j + gamma * phi i j) t) ->
  forall n, (1 <= n)%nat ->
  1 + ln (disc M (f 1%nat) t / eps) / (r ^ 2 / D ^ 2) <= INR n ->
  disc M (f n) t <= eps.
Proof.
  intros M k phi t r D eps f Hr HD Heps Hin Hdiam Hhull Hbest n Hn Hcount.
  destruct (Rle_lt_or_eq_dec 0 (disc M (f 1%nat) t) (disc_nonneg M _ _)) as [H1|H1].
  - destruct (rate_or_at_target M k phi t r D f ltac:(lra) HD Hin Hdiam Hhull)
      as [HrD|Hzero]; [| rewrite (Hzero 1%nat ltac:(lia)) in H1; lra].
    apply (contraction_count_from_1 (fun p => disc M (f p) t) (r ^ 2 / D ^ 2) eps n);
      [| exact Heps | exact H1 | exact Hn | | exact Hcount].
    + split.
      * apply Rdiv_lt_0_compat; nra.
      * apply Rmult_le_reg_r with (D ^ 2); [nra|].
        unfold Rdiv. rewrite Rmult_assoc, Rinv_l by nra. nra.
    + apply (greedy_linesearch_envelope M k phi t r D f); try lra; assumption.
  - (* L_1 = 0: then every later L_n is 0 too, by the envelope *)
    pose proof (greedy_linesearch_envelope M k phi t r D f ltac:(lra) HD Hin Hdiam
                  Hhull Hbest n Hn) as H.
    rewrite <- H1, Rmult_0_r in H. lra.
Qed.

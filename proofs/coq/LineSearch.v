(** * (c) The exact line-search step (the certificate of greedy-decay)

    Prose (proofs/greedy-decay.md, bound 3): with e = f_n - t, u = e/||e||,
    w = <u, t - phi_i> >= 0 and d = phi_i - f_n one has
    <e, d> = -w ||e|| - ||e||^2; then gamma = -<e,d>/||d||^2 lies in [0, 1]
    and ||e + gamma d||^2 <= (1 - w^2/D^2) ||e||^2 whenever ||d|| <= D.
    The bound D >= w + ||e|| is not assumed: it follows from Cauchy-Schwarz
    (||d|| >= w + ||e||), exactly as the document derives ||d||^2 >= (w + ||e||)^2.
    Vectors of R^M are functions [nat -> R], see FinSum.v. *)

From Coq Require Import Reals Lra Psatz.
From Greedy Require Import FinSum.
Open Scope R_scope.

(** Abstract form: any e, d with <e,d> = -w||e|| - ||e||^2. *)
Theorem line_search_step : forall M (e d : nat -> R) (w D : R),
  0 <= w -> 0 < D ->
  dot M e d = - w * norm M e - nrm2 M e ->
  norm M d <= D ->
  exists gamma, 0 <= gamma <= 1 /\
    nrm2 M (fun j => e j + gamma * d j) <= (1 - w ^ 2 / D ^ 2) * nrm2 M e.
Proof.
  intros M e d w D Hw HD Hed HdD.
  set (s := norm M e) in *.
  assert (Hs : 0 <= s) by apply norm_nonneg.
  assert (Hs2 : nrm2 M e = s ^ 2) by (unfold s; rewrite norm_sq; reflexivity).
  set (delta := norm M d) in *.
  assert (Hdel : 0 <= delta) by apply norm_nonneg.
  assert (Hq : nrm2 M d = delta ^ 2) by (unfold delta; rewrite norm_sq; reflexivity).
  rewrite Hs2 in Hed |- *.
  destruct (Rle_lt_or_eq_dec 0 s Hs) as [Hspos|Hs0].
  - (* Cauchy-Schwarz: s (w + s) = |<e,d>| <= s delta, so w + s <= delta *)
    assert (HCS : Rabs (dot M e d) <= s * delta) by apply cauchy_schwarz_norm.
    rewrite Hed in HCS.
    rewrite Rabs_left1 in HCS by nra.
    assert (Hwsd : w + s <= delta).
    { apply Rmult_le_reg_l with s; [exact Hspos|]. nra. }
    assert (Hdpos : 0 < delta) by lra.
    (* gamma = -<e,d>/||d||^2 *)
    set (gamma := s * (w + s) / delta ^ 2).
    exists gamma. split; [split|].
    + unfold gamma. apply Rmult_le_pos; [nra|].
      apply Rlt_le, Rinv_0_lt_compat. nra.
    + unfold gamma. apply Rmult_le_reg_r with (delta ^ 2); [nra|].
      field_simplify; [|lra]. nra.
    + rewrite (nrm2_ext M _ (fun j => 1 * e j + gamma * d j))
        by (intros; ring).
      rewrite nrm2_lin, Hs2, Hed, Hq.
      (* = s^2 - s^2 (w + s)^2 / delta^2 *)
      replace (1 ^ 2 * s ^ 2 + 2 * 1 * gamma * (- w * s - s ^ 2) + gamma ^ 2 * delta ^ 2)
        with (s ^ 2 - s ^ 2 * ((w + s) ^ 2 / delta ^ 2))
        by (unfold gamma; field; lra).
      (* and (w + s)^2 / delta^2 >= w^2 / delta^2 >= w^2 / D^2 *)
      assert (Hr : w ^ 2 / D ^ 2 <= (w + s) ^ 2 / delta ^ 2).
      { apply Rle_trans with (w ^ 2 / delta ^ 2).
        - unfold Rdiv. apply Rmult_le_compat_l; [nra|].
          apply Rinv_le_contravar; nra.
        - unfold Rdiv. apply Rmult_le_compat_r.
          + apply Rlt_le, Rinv_0_lt_compat. nra.
          + nra. }
      nra.
  - (* ||e|| = 0: gamma = 0 keeps ||e||^2 = 0 *)
    exists 0. split; [lra|].
    rewrite (nrm2_ext M _ e) by (intros; ring).
    rewrite Hs2, <- Hs0. lra.
Qed.

(** The document's form: L((1 - gamma) f + gamma phi) <= (1 - w^2/D^2) L(f)
    for one atom phi with margin w = <u, t - phi> >= 0 (u = e/||e||) and
    ||phi - f|| <= D, where L(g) = ||g - t||^2 / M.  The exact line search
    minimises over all atoms and all gamma in [0, 1], so its L_{n+1} is at most
    the value at this (phi, gamma); applied to the atom attaining
    w_n = max_i <u, t - phi_i> and D = D_n = max_i ||phi_i - f_n|| this is
    L_{n+1} <= (1 - w_n^2/D_n^2) L_n.  (For e = 0 the division is Coq's
    x / 0 = 0, so u = 0, w = 0 and the claim is L_{n+1} <= L_n = 0.) *)
Theorem line_search_certificate : forall M (f t phi : nat -> R) (D : R),
  let e := fun j => f j - t j in
  let w := dot M (fun j => e j / norm M e) (fun j => t j - phi j) in
  0 <= w -> 0 < D ->
  norm M (fun j => phi j - f j) <= D ->
  exists gamma, 0 <= gamma <= 1 /\
    disc M (fun j => (1 - gamma) * f j + gamma * phi j) t
    <= (1 - w ^ 2 / D ^ 2) * disc M f t.
Proof.
  intros M f t phi D e w Hw HD HdD.
  set (d := fun j => phi j - f j) in *.
  set (y := fun j => t j - phi j) in *.
  (* w ||e|| = <e, t - phi> *)
  assert (Hwe : w * norm M e = dot M e y).
  { unfold w.
    rewrite (dot_ext M _ (fun j => / norm M e * e j) y y)
      by (intros; unfold Rdiv; ring).
    rewrite dot_scal_l.
    destruct (Rle_lt_or_eq_dec 0 (norm M e) (norm_nonneg M e)) as [Hpos|H0].
    - field. lra.
    - (* ||e|| = 0 forces <e, y> = 0 by Cauchy-Schwarz *)
      pose proof (cauchy_schwarz_norm M e y) as HCS.
      rewrite <- H0, Rmult_0_l in HCS.
      assert (Hz : dot M e y = 0).
      { unfold Rabs in HCS. destruct (Rcase_abs (dot M e y)); lra. }
      rewrite <- H0, Hz. ring. }
  (* <e, d> = -w ||e|| - ||e||^2, since d = -(t - phi) - e *)
  assert (Hed : dot M e d = - w * norm M e - nrm2 M e).
  { rewrite (dot_ext M e e d (fun j => (-1) * y j + (-1) * e j))
      by (intros; unfold e, d, y; ring).
    rewrite dot_sym, dot_lin_l, (dot_sym M y e).
    unfold nrm2. lra. }
  destruct (line_search_step M e d w D Hw HD Hed HdD) as [gamma [Hg Hbound]].
  exists gamma. split; [exact Hg|].
  unfold disc.
  rewrite (nrm2_ext M (fun j => (1 - gamma) * f j + gamma * phi j - t j)
                      (fun j => e j + gamma * d j))
    by (intros; unfold e, d; ring).
  fold e.
  unfold Rdiv. rewrite <- Rmult_assoc.
  apply Rmult_le_compat_r; [apply inv_INR_nonneg | exact Hbound].
Qed.

(** w_n >= 0: since t is the mean of the atoms (the mean of phi_i - t is the
    zero vector), some atom has <v, t - phi_i> >= 0 for every direction v, so
    the maximum w_n over the atoms is >= 0 ("t lies in the hull"). *)
Lemma margin_nonneg : forall M k (phi : nat -> nat -> R) (t v : nat -> R),
  (1 <= k)%nat ->
  (forall j, (j < M)%nat -> fsum k (fun i => phi i j - t j) = 0) ->
  exists i, (i < k)%nat /\ 0 <= dot M v (fun j => t j - phi i j).
Proof.
  intros M k phi t v Hk Hmean.
  destruct (exists_le_mean k (fun i => dot M v (fun j => phi i j - t j)) Hk)
    as [i [Hi Hle]].
  rewrite (fsum_dot_zero M k v (fun i j => phi i j - t j) Hmean) in Hle.
  exists i. split; [exact Hi|].
  rewrite (dot_ext M v v _ (fun j => (-1) * (phi i j - t j))) by (intros; ring).
  rewrite dot_sym, dot_scal_l, dot_sym.
  unfold Rdiv in Hle. rewrite Rmult_0_l in Hle. lra.
Qed.

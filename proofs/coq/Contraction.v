(** * (d) From a contraction to a count of steps

    Prose (proofs/greedy-decay.md, bound 3, last paragraph): if every step
    contracts L by a factor 1 - w_n^2/D_n^2 <= 1 - r^2/D^2 = 1 - rho, then
    L_n <= (1 - rho)^{n-1} L_1 <= e^{-(n-1) rho} L_1, and
    n >= 1 + log(L_1/eps)/rho steps reach L <= eps.  Standard library only
    ([exp], [ln] from Reals); 1 - x <= e^{-x} is [exp_ineq1_le]. *)

From Coq Require Import Reals Lra Psatz.
Open Scope R_scope.

Lemma one_minus_le_exp : forall x, 1 - x <= exp (- x).
Proof. intros x. pose proof (exp_ineq1_le (- x)). lra. Qed.

Lemma exp_mult_INR : forall x n, exp (x * INR n) = exp x ^ n.
Proof.
  intros x n. induction n as [|n IH].
  - simpl. rewrite Rmult_0_r. apply exp_0.
  - rewrite S_INR, Rmult_plus_distr_l, Rmult_1_r, exp_plus, IH. simpl. ring.
Qed.

(** (1 - rho)^n <= e^{-rho n} for rho <= 1 (rho >= 0 is not needed). *)
Lemma pow_le_exp : forall rho n, rho <= 1 -> (1 - rho) ^ n <= exp (- (rho * INR n)).
Proof.
  intros rho n Hr.
  replace (- (rho * INR n)) with ((- rho) * INR n) by ring.
  rewrite exp_mult_INR.
  apply pow_incr. split; [lra | apply one_minus_le_exp].
Qed.

(** Per-step factors c_n <= 1 - rho, with L >= 0, give L_n <= (1 - rho)^n L_0. *)
Lemma iterate_contraction : forall (L c : nat -> R) (rho : R),
  (forall n, 0 <= L n) -> rho <= 1 ->
  (forall n, L (S n) <= c n * L n) ->
  (forall n, c n <= 1 - rho) ->
  forall n, L n <= (1 - rho) ^ n * L 0%nat.
Proof.
  intros L c rho Hpos Hr Hstep Hc n. induction n as [|n IH].
  - simpl. lra.
  - apply Rle_trans with (c n * L n); [apply Hstep|].
    apply Rle_trans with ((1 - rho) * L n).
    + apply Rmult_le_compat_r; [apply Hpos | apply Hc].
    + simpl. rewrite Rmult_assoc. apply Rmult_le_compat_l; [lra | exact IH].
Qed.

(** The certificate's factor is monotone: w_n >= r >= 0 and 0 < D_n <= D give
    1 - w_n^2/D_n^2 <= 1 - r^2/D^2. *)
Lemma factor_mono : forall w Dn r D,
  0 <= r -> r <= w -> 0 < Dn -> Dn <= D ->
  1 - w ^ 2 / Dn ^ 2 <= 1 - r ^ 2 / D ^ 2.
Proof.
  intros w Dn r D Hr Hrw HDn HDnD.
  assert (r ^ 2 / D ^ 2 <= w ^ 2 / Dn ^ 2); [|lra].
  apply Rle_trans with (r ^ 2 / Dn ^ 2).
  - unfold Rdiv. apply Rmult_le_compat_l; [nra|].
    apply Rinv_le_contravar; nra.
  - unfold Rdiv. apply Rmult_le_compat_r.
    + apply Rlt_le, Rinv_0_lt_compat. nra.
    + nra.
Qed.

(** (d1) L_n <= (1 - rho)^n L_0 implies L_n <= e^{-rho n} L_0. *)
Theorem contraction_exp : forall (L : nat -> R) (rho : R) (n : nat),
  rho <= 1 -> 0 <= L 0%nat ->
  L n <= (1 - rho) ^ n * L 0%nat ->
  L n <= exp (- (rho * INR n)) * L 0%nat.
Proof.
  intros L rho n Hr H0 Hn.
  apply Rle_trans with ((1 - rho) ^ n * L 0%nat); [exact Hn|].
  apply Rmult_le_compat_r; [exact H0 | apply pow_le_exp; exact Hr].
Qed.

(** (d2) ... and n >= ln(L_0/eps)/rho steps give L_n <= eps. *)
Theorem contraction_count : forall (L : nat -> R) (rho eps : R) (n : nat),
  0 < rho <= 1 -> 0 < eps -> 0 < L 0%nat ->
  L n <= (1 - rho) ^ n * L 0%nat ->
  ln (L 0%nat / eps) / rho <= INR n ->
  L n <= eps.
Proof.
  intros L rho eps n Hr Heps H0 Hn Hcount.
  apply Rle_trans with (exp (- (rho * INR n)) * L 0%nat);
    [apply contraction_exp; lra|].
  assert (Hln : ln (L 0%nat / eps) <= rho * INR n).
  { apply Rmult_le_reg_r with (/ rho); [apply Rinv_0_lt_compat; lra|].
    replace (rho * INR n * / rho) with (INR n) by (field; lra).
    exact Hcount. }
  assert (Hexp : exp (- (rho * INR n)) <= exp (- ln (L 0%nat / eps))).
  { destruct (Rle_lt_or_eq_dec _ _ Hln) as [Hlt|Heq].
    - apply Rlt_le, exp_increasing. lra.
    - rewrite Heq. lra. }
  rewrite (exp_Ropp (ln _)), exp_ln in Hexp by (apply Rdiv_lt_0_compat; lra).
  apply Rle_trans with (/ (L 0%nat / eps) * L 0%nat).
  - apply Rmult_le_compat_r; lra.
  - right. field. lra.
Qed.

(** The document's indexing, from L_1: L_n <= (1 - rho)^{n-1} L_1 and
    n >= 1 + ln(L_1/eps)/rho give L_n <= eps. *)
Corollary contraction_count_from_1 : forall (L : nat -> R) (rho eps : R) (n : nat),
  0 < rho <= 1 -> 0 < eps -> 0 < L 1%nat -> (1 <= n)%nat ->
  L n <= (1 - rho) ^ (n - 1) * L 1%nat ->
  1 + ln (L 1%nat / eps) / rho <= INR n ->
  L n <= eps.
Proof.
  intros L rho eps n Hr Heps H1 Hn Hbound Hcount.
  destruct n as [|m]; [lia|].
  replace (S m - 1)%nat with m in Hbound by lia.
  rewrite S_INR in Hcount.
  apply (contraction_count (fun p => L (S p)) rho eps m Hr Heps H1 Hbound).
  lra.
Qed.

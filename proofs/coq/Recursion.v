(** * (a) The recursion lemma behind L_n <= V/n

    Prose (proofs/greedy-decay.md, bound 2; proofs/greedy-rate-1-n.md,
    statement 2): if L_1 <= V and L_{n+1} <= (n^2 L_n + V)/(n+1)^2 for every
    n >= 1, then L_n <= V/n for every n >= 1.  No sign condition on V or L is
    needed.  Standard library only. *)

From Coq Require Import Reals Lra Psatz.
Open Scope R_scope.

Theorem recursion_V_over_n : forall (V : R) (L : nat -> R),
  L 1%nat <= V ->
  (forall n, (1 <= n)%nat ->
     L (S n) <= (INR n ^ 2 * L n + V) / (INR n + 1) ^ 2) ->
  forall n, (1 <= n)%nat -> L n <= V / INR n.
Proof.
  intros V L H1 Hstep n Hn.
  induction n as [|m IH]; [lia|].
  destruct (Nat.eq_dec m 0) as [->|Hm].
  - simpl INR. replace (V / 1) with V by field. exact H1.
  - assert (Hm1 : (1 <= m)%nat) by lia.
    specialize (IH Hm1). specialize (Hstep m Hm1).
    assert (Hpos : 0 < INR m) by (apply lt_0_INR; lia).
    rewrite S_INR.
    (* m^2 L_m <= m^2 (V/m) = m V *)
    assert (Hmul : INR m ^ 2 * L m <= INR m * V).
    { replace (INR m * V) with (INR m ^ 2 * (V / INR m)) by (field; lra).
      apply Rmult_le_compat_l; [nra | exact IH]. }
    apply Rle_trans with ((INR m ^ 2 * L m + V) / (INR m + 1) ^ 2);
      [exact Hstep|].
    replace (V / (INR m + 1)) with ((INR m * V + V) / (INR m + 1) ^ 2)
      by (field; lra).
    unfold Rdiv. apply Rmult_le_compat_r.
    + apply Rlt_le, Rinv_0_lt_compat. nra.
    + lra.
Qed.

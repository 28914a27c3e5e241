(** * Corollary of (a) + (b): uniform-weight greedy has L_n <= V/n

    Prose (proofs/greedy-decay.md, bound 2; proofs/greedy-rate-1-n.md,
    statement 2): atoms phi_0..phi_(k-1) in R^M, target t = their mean,
    L(f) = ||f - t||^2 / M, V = mean_i L(phi_i);
    f_{n+1} = (n f_n + phi_{i*})/(n+1) with i* minimising L(f_{n+1}).
    Then L(f_n) <= V/n for every n >= 1, deterministically.

    The hypothesis on the run is only that f_{n+1} is at least as good as every
    candidate (n f_n + phi_i)/(n+1); the greedy choice satisfies it, and f_0
    is arbitrary (the update at n = 0 makes f_1 the best single atom). *)

From Coq Require Import Reals Lra Psatz.
From Greedy Require Import FinSum Recursion OneStep.
Open Scope R_scope.

Theorem greedy_uniform_V_over_n :
  forall M k (phi : nat -> nat -> R) (t : nat -> R) (f : nat -> nat -> R),
  (1 <= k)%nat ->
  (forall j, (j < M)%nat -> t j = fsum k (fun i => phi i j) / INR k) ->
  (forall n i, (i < k)%nat ->
     disc M (f (S n)) t
     <= disc M (fun j => (INR n * f n j + phi i j) / (INR n + 1)) t) ->
  forall n, (1 <= n)%nat ->
  disc M (f n) t <= (fsum k (fun i => disc M (phi i) t) / INR k) / INR n.
Proof.
  intros M k phi t f Hk Ht Hgreedy n Hn.
  destruct (Nat.eq_dec M 0) as [->|HM].
  - (* M = 0: every discrepancy is 0 / 0 = 0 in Coq's reals *)
    assert (H0 : forall x, disc 0 x t = 0).
    { intros x. unfold disc, nrm2, dot. simpl. unfold Rdiv. ring. }
    rewrite H0, (fsum_ext k _ (fun _ => 0)) by (intros; apply H0).
    rewrite fsum_zero. unfold Rdiv. lra.
  - assert (HMpos : 0 < INR M) by (apply lt_0_INR; lia).
    assert (HkR : 0 < INR k) by (apply lt_0_INR; lia).
    (* the mean of phi_i - t is the zero vector *)
    assert (Hmean : forall j, (j < M)%nat -> fsum k (fun i => phi i j - t j) = 0).
    { intros j Hj.
      rewrite (fsum_ext k _ (fun i => phi i j + (- t j))) by (intros; ring).
      rewrite fsum_plus, fsum_const, (Ht j Hj). field. lra. }
    set (V := fsum k (fun i => nrm2 M (fun j => phi i j - t j)) / INR k).
    set (L := fun p => nrm2 M (fun j => f p j - t j)).
    (* (b) + the greedy choice give the recursion for every n >= 0 *)
    assert (Hrec : forall p, L (S p) <= (INR p ^ 2 * L p + V) / (INR p + 1) ^ 2).
    { intros p.
      destruct (one_step_average M k phi t (f p) p Hk Hmean) as [i [Hi Hb]].
      apply Rle_trans with (2 := Hb).
      specialize (Hgreedy p i Hi). unfold disc in Hgreedy.
      apply Rmult_le_reg_r with (/ INR M); [apply Rinv_0_lt_compat; lra|].
      exact Hgreedy. }
    (* (a) *)
    assert (HL : L 1%nat <= V).
    { pose proof (Hrec 0%nat) as H. simpl INR in H.
      replace ((0 ^ 2 * L 0%nat + V) / (0 + 1) ^ 2) with V in H by field.
      exact H. }
    pose proof (recursion_V_over_n V L HL (fun p _ => Hrec p) n Hn) as Hn'.
    (* divide by M *)
    rewrite (fsum_ext k _ (fun i => / INR M * nrm2 M (fun j => phi i j - t j)))
      by (intros; unfold disc, Rdiv; ring).
    rewrite fsum_scal.
    unfold disc. fold (L n).
    assert (HnR : 0 < INR n) by (apply lt_0_INR; lia).
    replace (/ INR M * fsum k (fun i => nrm2 M (fun j => phi i j - t j)) / INR k / INR n)
      with ((V / INR n) / INR M) by (unfold V; field; lra).
    unfold Rdiv at 1 2. apply Rmult_le_compat_r.
    + apply Rlt_le, Rinv_0_lt_compat. lra.
    + exact Hn'.
Qed.

(** * (b) The one-step averaging inequality of uniform-weight greedy

    Vectors of R^M are functions [nat -> R] (coordinates 0 .. M-1, see
    FinSum.v); the k atoms are [phi 0, ..., phi (k-1)], each a vector.
    Prose (proofs/greedy-decay.md, bound 2; proofs/greedy-rate-1-n.md,
    statement 2): with E_n = n (f_n - t),
      min_i ||E_n + phi_i - t||^2 <= mean_i ||E_n + phi_i - t||^2
                                  = ||E_n||^2 + mean_i ||phi_i - t||^2
    because the mean of phi_i - t is zero.  Divided by (n+1)^2 this is
      min_i ||(n f + phi_i)/(n+1) - t||^2 <= (n^2 ||f - t||^2 + V)/(n+1)^2,
    V = mean_i ||phi_i - t||^2 (here without the 1/M of the prose's V; the
    corollary in GreedyUniform.v divides by M).  "min_i <= bound" is stated
    as "there is an atom i with value <= bound", which is equivalent. *)

From Coq Require Import Reals Lra Psatz.
From Greedy Require Import FinSum.
Open Scope R_scope.

(** The mean of the squared norms equals n^2 ||f - t||^2 + V exactly: the
    cross term vanishes when sum_i (phi_i - t) = 0. *)
Lemma average_identity : forall M k (phi : nat -> nat -> R) (t f : nat -> R) (a : R),
  (forall j, (j < M)%nat -> fsum k (fun i => phi i j - t j) = 0) ->
  fsum k (fun i => nrm2 M (fun j => a * (f j - t j) + 1 * (phi i j - t j)))
  = INR k * (a ^ 2 * nrm2 M (fun j => f j - t j))
    + fsum k (fun i => nrm2 M (fun j => phi i j - t j)).
Proof.
  intros M k phi t f a Hmean.
  rewrite (fsum_ext k _
    (fun i => a ^ 2 * nrm2 M (fun j => f j - t j)
              + (2 * a * 1 * dot M (fun j => f j - t j) (fun j => phi i j - t j)
                 + 1 ^ 2 * nrm2 M (fun j => phi i j - t j)))).
  2:{ intros i Hi. rewrite nrm2_lin. ring. }
  rewrite !fsum_plus, fsum_const, fsum_scal.
  rewrite (fsum_ext k (fun i => 1 ^ 2 * _) (fun i => nrm2 M (fun j => phi i j - t j)))
    by (intros; ring).
  (* the cross term: sum_i <f - t, phi_i - t> = <f - t, sum_i (phi_i - t)> = 0 *)
  assert (Hcross : fsum k (fun i => dot M (fun j => f j - t j) (fun j => phi i j - t j)) = 0).
  { apply (fsum_dot_zero M k (fun j => f j - t j) (fun i j => phi i j - t j)).
    exact Hmean. }
  rewrite Hcross. ring.
Qed.

Theorem one_step_average : forall M k (phi : nat -> nat -> R) (t f : nat -> R) (n : nat),
  (1 <= k)%nat ->
  (forall j, (j < M)%nat -> fsum k (fun i => phi i j - t j) = 0) ->
  exists i, (i < k)%nat /\
    nrm2 M (fun j => (INR n * f j + phi i j) / (INR n + 1) - t j)
    <= (INR n ^ 2 * nrm2 M (fun j => f j - t j)
        + fsum k (fun i => nrm2 M (fun j => phi i j - t j)) / INR k)
       / (INR n + 1) ^ 2.
Proof.
  intros M k phi t f n Hk Hmean.
  set (a := INR n).
  assert (Ha : 0 <= a) by apply pos_INR.
  assert (HkR : 0 < INR k) by (apply lt_0_INR; lia).
  set (g := fun i => nrm2 M (fun j => a * (f j - t j) + 1 * (phi i j - t j))).
  destruct (exists_le_mean k g Hk) as [i [Hi Hg]].
  exists i. split; [exact Hi|].
  unfold g in Hg. rewrite average_identity in Hg by exact Hmean.
  (* rescale: the new point minus t is (a (f - t) + (phi_i - t)) / (a + 1) *)
  rewrite (nrm2_ext M _ (fun j => / (a + 1) * (a * (f j - t j) + 1 * (phi i j - t j)))).
  2:{ intros j Hj. field. lra. }
  rewrite nrm2_scal.
  replace ((/ (a + 1)) ^ 2 * nrm2 M (fun j => a * (f j - t j) + 1 * (phi i j - t j)))
    with (nrm2 M (fun j => a * (f j - t j) + 1 * (phi i j - t j)) / (a + 1) ^ 2)
    by (field; lra).
  set (V := fsum k (fun i0 => nrm2 M (fun j => phi i0 j - t j))) in *.
  set (X := nrm2 M (fun j => a * (f j - t j) + 1 * (phi i j - t j))) in *.
  assert (Hg' : X <= a ^ 2 * nrm2 M (fun j => f j - t j) + V / INR k).
  { replace (a ^ 2 * nrm2 M (fun j => f j - t j) + V / INR k)
      with ((INR k * (a ^ 2 * nrm2 M (fun j => f j - t j)) + V) / INR k)
      by (field; lra).
    exact Hg. }
  unfold Rdiv. apply Rmult_le_compat_r.
  - apply Rlt_le, Rinv_0_lt_compat. nra.
  - exact Hg'.
Qed.

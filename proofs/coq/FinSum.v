(** * Finite sums and the Euclidean inner product on R^M

    Support file for the greedy lemmas.  A vector of R^M is represented as a
    function [x : nat -> R] of which only the coordinates [0 .. M-1] matter;
    every statement quantifies over [j < M] only.  [fsum K g] is the finite
    sum g 0 + ... + g (K-1).  Standard library only. *)

From Coq Require Import Reals Lra Psatz.
Open Scope R_scope.

Fixpoint fsum (K : nat) (g : nat -> R) : R :=
  match K with
  | O => 0
  | S m => fsum m g + g m
  end.

(** Inner product, squared norm and norm on R^M. *)
Definition dot (M : nat) (x y : nat -> R) : R := fsum M (fun j => x j * y j).
Definition nrm2 (M : nat) (x : nat -> R) : R := dot M x x.
Definition norm (M : nat) (x : nat -> R) : R := sqrt (nrm2 M x).

(** The workbench's discrepancy L(f) = ||f - t||^2 / M. *)
Definition disc (M : nat) (f t : nat -> R) : R :=
  nrm2 M (fun j => f j - t j) / INR M.

Lemma fsum_ext : forall K g h,
  (forall i, (i < K)%nat -> g i = h i) -> fsum K g = fsum K h.
Proof.
  induction K as [|K IH]; intros g h H; simpl; [reflexivity|].
  rewrite (IH g h) by (intros; apply H; lia).
  rewrite (H K) by lia. reflexivity.
Qed.

Lemma fsum_plus : forall K g h,
  fsum K (fun i => g i + h i) = fsum K g + fsum K h.
Proof. induction K as [|K IH]; intros; simpl; [lra|]. rewrite IH. lra. Qed.

Lemma fsum_scal : forall K c g,
  fsum K (fun i => c * g i) = c * fsum K g.
Proof. induction K as [|K IH]; intros; simpl; [lra|]. rewrite IH. lra. Qed.

Lemma fsum_opp : forall K g, fsum K (fun i => - g i) = - fsum K g.
Proof. induction K as [|K IH]; intros; simpl; [lra|]. rewrite IH. lra. Qed.

Lemma fsum_zero : forall K, fsum K (fun _ => 0) = 0.
Proof. induction K as [|K IH]; simpl; [reflexivity|]. rewrite IH. lra. Qed.

Lemma fsum_const : forall K c, fsum K (fun _ => c) = INR K * c.
Proof.
  induction K as [|K IH]; intros; simpl fsum; [simpl; lra|].
  rewrite IH, S_INR. lra.
Qed.

Lemma fsum_le : forall K g h,
  (forall i, (i < K)%nat -> g i <= h i) -> fsum K g <= fsum K h.
Proof.
  induction K as [|K IH]; intros g h H; simpl; [lra|].
  assert (fsum K g <= fsum K h) by (apply IH; intros; apply H; lia).
  assert (g K <= h K) by (apply H; lia). lra.
Qed.

Lemma fsum_nonneg : forall K g,
  (forall i, (i < K)%nat -> 0 <= g i) -> 0 <= fsum K g.
Proof.
  intros K g H. rewrite <- (Rmult_0_r (INR K)), <- fsum_const.
  apply fsum_le. exact H.
Qed.

Lemma fsum_swap : forall K M (a : nat -> nat -> R),
  fsum K (fun i => fsum M (fun j => a i j)) =
  fsum M (fun j => fsum K (fun i => a i j)).
Proof.
  induction K as [|K IH]; intros M a; simpl.
  - symmetry. apply fsum_zero.
  - rewrite IH, <- fsum_plus. reflexivity.
Qed.

(** A finite non-empty family has a smallest member ... *)
Lemma exists_argmin : forall K (g : nat -> R), (1 <= K)%nat ->
  exists i, (i < K)%nat /\ forall l, (l < K)%nat -> g i <= g l.
Proof.
  induction K as [|K IH]; intros g HK; [lia|].
  destruct (Nat.eq_dec K 0) as [->|HK0].
  - exists 0%nat. split; [lia|]. intros l Hl. replace l with 0%nat by lia. lra.
  - destruct (IH g) as [i [Hi Hmin]]; [lia|].
    destruct (Rle_dec (g i) (g K)) as [Hle|Hgt].
    + exists i. split; [lia|]. intros l Hl.
      destruct (Nat.eq_dec l K) as [->|Hne]; [exact Hle|]. apply Hmin. lia.
    + exists K. split; [lia|]. intros l Hl.
      destruct (Nat.eq_dec l K) as [->|Hne]; [lra|].
      specialize (Hmin l ltac:(lia)). lra.
Qed.

(** ... and hence a member no larger than the mean: min <= mean. *)
Lemma exists_le_mean : forall K (g : nat -> R), (1 <= K)%nat ->
  exists i, (i < K)%nat /\ g i <= fsum K g / INR K.
Proof.
  intros K g HK. destruct (exists_argmin K g HK) as [i [Hi Hmin]].
  exists i. split; [exact Hi|].
  assert (HKpos : 0 < INR K) by (apply lt_0_INR; lia).
  assert (INR K * g i <= fsum K g).
  { rewrite <- fsum_const. apply fsum_le. exact Hmin. }
  apply Rmult_le_reg_l with (INR K); [exact HKpos|].
  field_simplify; lra.
Qed.

(** Basic algebra of the inner product. *)
Lemma dot_ext : forall M x x' y y',
  (forall j, (j < M)%nat -> x j = x' j) ->
  (forall j, (j < M)%nat -> y j = y' j) ->
  dot M x y = dot M x' y'.
Proof.
  intros. unfold dot. apply fsum_ext. intros j Hj.
  rewrite H, H0 by exact Hj. reflexivity.
Qed.

Lemma nrm2_ext : forall M x x',
  (forall j, (j < M)%nat -> x j = x' j) -> nrm2 M x = nrm2 M x'.
Proof. intros. unfold nrm2. apply dot_ext; assumption. Qed.

Lemma dot_sym : forall M x y, dot M x y = dot M y x.
Proof. intros. unfold dot. apply fsum_ext. intros. lra. Qed.

Lemma nrm2_nonneg : forall M x, 0 <= nrm2 M x.
Proof. intros. unfold nrm2, dot. apply fsum_nonneg. intros. nra. Qed.

Lemma dot_lin_l : forall M a b x y z,
  dot M (fun j => a * x j + b * y j) z = a * dot M x z + b * dot M y z.
Proof.
  intros. unfold dot. rewrite <- !fsum_scal, <- fsum_plus.
  apply fsum_ext. intros. lra.
Qed.

Lemma nrm2_lin : forall M a b x y,
  nrm2 M (fun j => a * x j + b * y j) =
  a ^ 2 * nrm2 M x + 2 * a * b * dot M x y + b ^ 2 * nrm2 M y.
Proof.
  intros. unfold nrm2, dot. rewrite <- !fsum_scal, <- !fsum_plus.
  apply fsum_ext. intros. ring.
Qed.

Lemma nrm2_scal : forall M c x,
  nrm2 M (fun j => c * x j) = c ^ 2 * nrm2 M x.
Proof.
  intros. unfold nrm2, dot. rewrite <- fsum_scal.
  apply fsum_ext. intros. ring.
Qed.

Lemma dot_scal_l : forall M c x y,
  dot M (fun j => c * x j) y = c * dot M x y.
Proof.
  intros. unfold dot. rewrite <- fsum_scal. apply fsum_ext. intros. ring.
Qed.

(** If the vectors y_0, ..., y_(k-1) sum to zero, so do their inner
    products with any x. *)
Lemma fsum_dot_zero : forall M k (x : nat -> R) (y : nat -> nat -> R),
  (forall j, (j < M)%nat -> fsum k (fun i => y i j) = 0) ->
  fsum k (fun i => dot M x (y i)) = 0.
Proof.
  intros M k x y H. unfold dot. rewrite fsum_swap.
  rewrite (fsum_ext M _ (fun _ => 0)); [apply fsum_zero|].
  intros j Hj. rewrite fsum_scal, H by exact Hj. ring.
Qed.

Lemma inv_INR_nonneg : forall M, 0 <= / INR M.
Proof.
  intros [|M].
  - simpl. rewrite Rinv_0. lra.
  - apply Rlt_le, Rinv_0_lt_compat, lt_0_INR. lia.
Qed.

(** Cauchy-Schwarz, squared form. *)
Lemma cauchy_schwarz : forall M x y,
  (dot M x y) ^ 2 <= nrm2 M x * nrm2 M y.
Proof.
  intros M x y.
  set (p := dot M x y). set (nx := nrm2 M x). set (ny := nrm2 M y).
  assert (Hx : 0 <= nx) by apply nrm2_nonneg.
  assert (Hy : 0 <= ny) by apply nrm2_nonneg.
  destruct (Rle_lt_or_eq_dec 0 ny Hy) as [Hpos|Hzero].
  - (* 0 <= ||ny x - p y||^2 = ny (nx ny - p^2) *)
    pose proof (nrm2_nonneg M (fun j => ny * x j + (- p) * y j)) as H.
    rewrite nrm2_lin in H. fold nx ny p in H.
    assert (0 <= ny * (nx * ny - p ^ 2)) by nra.
    assert (0 <= nx * ny - p ^ 2).
    { apply Rmult_le_reg_l with ny; [exact Hpos|]. lra. }
    lra.
  - (* ny = 0: ||x + y||^2 = nx + 2p and ||x - y||^2 = nx - 2p, both >= 0 for
       every scaling, which forces p = 0 *)
    pose proof (nrm2_nonneg M (fun j => 1 * x j + (- (nx + 1) / (2 * p)) * y j)) as H.
    destruct (Req_dec p 0) as [Hp0|Hp0].
    + rewrite Hp0. nra.
    + rewrite nrm2_lin in H. fold nx ny p in H. rewrite <- Hzero in H.
      replace (1 ^ 2 * nx + 2 * 1 * (- (nx + 1) / (2 * p)) * p
               + (- (nx + 1) / (2 * p)) ^ 2 * 0) with (-1) in H
        by (field; exact Hp0).
      lra.
Qed.

Lemma norm_nonneg : forall M x, 0 <= norm M x.
Proof. intros. apply sqrt_pos. Qed.

Lemma norm_sq : forall M x, norm M x ^ 2 = nrm2 M x.
Proof.
  intros. unfold norm. rewrite <- Rsqr_pow2. apply Rsqr_sqrt, nrm2_nonneg.
Qed.

(** Cauchy-Schwarz with norms: |<x,y>| <= ||x|| ||y||. *)
Lemma cauchy_schwarz_norm : forall M x y,
  Rabs (dot M x y) <= norm M x * norm M y.
Proof.
  intros M x y.
  pose proof (cauchy_schwarz M x y) as H.
  rewrite <- (norm_sq M x), <- (norm_sq M y) in H.
  pose proof (norm_nonneg M x). pose proof (norm_nonneg M y).
  set (p := dot M x y) in *. set (a := norm M x) in *. set (b := norm M y) in *.
  assert (0 <= a * b) by nra.
  destruct (Rle_or_lt (Rabs p) (a * b)) as [Hle|Hlt]; [exact Hle|].
  exfalso. unfold Rabs in Hlt. destruct (Rcase_abs p); nra.
Qed.

//! Tests of the fused pass: against the plain formula and across thread counts (the vector
//! paths are held to the scalar bits by `tests/vector_paths.rs`).

use super::*;
use crate::data::study_rng;

/// The loss written out plainly with the standard library, as a reference.
fn reference(data: &Dataset, lambda: f64, w: [f64; 3]) -> (f64, [f64; 3]) {
    let mut loss = lambda * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    let mut grad = [
        2.0 * lambda * w[0],
        2.0 * lambda * w[1],
        2.0 * lambda * w[2],
    ];
    for i in 0..data.len() {
        let (a, b, y) = (data.x1()[i], data.x2()[i], f64::from(data.labels()[i]));
        let z = w[0] + w[1] * a + w[2] * b;
        loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
        let r = 1.0 / (1.0 + (-z).exp()) - y;
        grad[0] += r;
        grad[1] += r * a;
        grad[2] += r * b;
    }
    (loss, grad)
}

#[test]
fn fused_pass_agrees_with_the_plain_formula() {
    for n in [2, 7, 100, 8195, 40_000] {
        let data = Dataset::fuzzy(n, &mut study_rng(n as u64)).unwrap();
        let objective = LogisticObjective::new(&data, Lambda::new(0.1).unwrap());
        for w in [[2.0, 1.5, -2.0], [0.0, 0.0, 0.0], [-3.0, 20.0, -7.0]] {
            let mut grad = [0.0; 3];
            let loss = objective.value_and_gradient(&w, &mut grad);
            let (ref_loss, ref_grad) = reference(&data, 0.1, w);
            assert!(
                (loss - ref_loss).abs() <= 1e-12 * ref_loss.abs(),
                "{loss} {ref_loss}"
            );
            for k in 0..3 {
                assert!((grad[k] - ref_grad[k]).abs() <= 1e-10 * (1.0 + ref_grad[k].abs()));
            }
        }
    }
}

#[test]
fn the_reference_gradient_agrees_with_the_fused_pass() {
    for n in [2, 100, 20_000] {
        let data = Dataset::fuzzy(n, &mut study_rng(n as u64)).unwrap();
        let objective = LogisticObjective::new(&data, Lambda::new(0.3).unwrap());
        for w in [[2.0, 1.5, -2.0], [0.0, 0.0, 0.0], [-3.0, 20.0, -7.0]] {
            let mut fused = [0.0; 3];
            objective.value_and_gradient(&w, &mut fused);
            let dual = objective.reference_gradient(&w).unwrap();
            let (_, plain) = reference(&data, 0.3, w);
            for k in 0..3 {
                let scale = 1.0 + plain[k].abs();
                assert!((fused[k] - dual[k]).abs() <= 1e-10 * scale);
                assert!((plain[k] - dual[k]).abs() <= 1e-10 * scale);
            }
        }
    }
}

#[test]
fn separation_is_recognised_only_without_a_penalty_and_with_every_point_right() {
    let data = Dataset::separable(500, &mut study_rng(1)).unwrap();
    let unregularised = LogisticObjective::new(&data, Lambda::new(0.0).unwrap());
    // Class A (label 1) lies at x1, x2 < 0: z = −x1 − x2 separates.
    assert!(unregularised.proves_unbounded([0.0, -1.0, -1.0]));
    assert!(unregularised.no_minimum_at(&[0.0, -1.0, -1.0]).is_some());
    assert!(!unregularised.proves_unbounded([0.0, 1.0, 1.0]));
    assert!(!unregularised.proves_unbounded([0.0, 0.0, 0.0]));
    let regularised = LogisticObjective::new(&data, Lambda::new(1e-12).unwrap());
    assert!(!regularised.proves_unbounded([0.0, -1.0, -1.0]));
    let fuzzy = Dataset::fuzzy(500, &mut study_rng(1)).unwrap();
    let overlapping = LogisticObjective::new(&fuzzy, Lambda::new(0.0).unwrap());
    assert!(!overlapping.proves_unbounded([0.0, -1.0, -1.0]));
    // A point on the boundary is not strictly on its side.
    let touching = Dataset::new(vec![-1.0, 0.0], vec![0.0, 0.0], &[1.0, 0.0]).unwrap();
    let objective = LogisticObjective::new(&touching, Lambda::new(0.0).unwrap());
    assert!(!objective.proves_unbounded([0.0, -1.0, 0.0]));
    assert!(objective.proves_unbounded([-0.5, -1.0, 0.0]));
}

#[test]
fn points_far_on_their_own_side_keep_their_tiny_loss_and_residual() {
    // Every point at score ±40 on its own side: each costs ln(1 + e^−40) ≈ 4.2e−18 and
    // has residual ∓e^−40/(1 + e^−40), which a difference of numbers near 40 (or near 1)
    // would round to noise or to zero.
    let data = Dataset::new(
        vec![40.0, -40.0, 20.0, -20.0, 40.0, -40.0, 20.0, -20.0, 40.0],
        vec![0.0; 9],
        &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
    )
    .unwrap();
    let objective = LogisticObjective::new(&data, Lambda::new(0.0).unwrap());
    let w = [0.0, 1.0, 0.0];
    let mut grad = [0.0; 3];
    let loss = objective.value_and_gradient(&w, &mut grad);
    let (e40, e20) = ((-40.0f64).exp(), (-20.0f64).exp());
    let expected_loss = 5.0 * e40.ln_1p() + 4.0 * e20.ln_1p();
    assert!(
        (loss - expected_loss).abs() <= 1e-14 * expected_loss,
        "{loss}"
    );
    // Label 1 at z = 40 has residual σ(40) − 1 = −e^−40/(1 + e^−40), label 0 at z = −40
    // has +e^−40/(1 + e^−40); three of the first, two of the second, and the ±20 pairs
    // cancel in the bias. (Before, σ(40) − 1 was exactly 0.) The ±20 terms are 5e8 times
    // larger, so their rounding bounds what the sum can keep of −e^−40.
    let r40 = e40 / (1.0 + e40);
    let r20 = e20 / (1.0 + e20);
    assert!((grad[0] + r40).abs() <= 1e-6 * r40, "{}", grad[0]);
    let expected_w1 = -200.0 * r40 - 80.0 * r20;
    assert!(
        (grad[1] - expected_w1).abs() <= 1e-13 * expected_w1.abs(),
        "{}",
        grad[1]
    );
    // Rows 0–7 take the AVX2 path where the CPU has it, row 8 the scalar one; the
    // Hessian pass gives the same bits.
    let (loss_h, grad_h, _) = objective.value_gradient_hessian(w);
    assert_eq!(loss_h.to_bits(), loss.to_bits());
    assert_eq!(grad_h, grad);
}

#[test]
fn stays_finite_for_huge_margins() {
    let data = Dataset::separable(100, &mut study_rng(0)).unwrap();
    let objective = LogisticObjective::new(&data, Lambda::new(0.0).unwrap());
    let mut grad = [0.0; 3];
    for w in [
        [0.0, 1e4, 1e4],
        [0.0, -1e4, -1e4],
        [1e4, 0.0, 0.0],
        [-1e300, 0.0, 0.0],
    ] {
        let loss = objective.value_and_gradient(&w, &mut grad);
        assert!(loss.is_finite() && loss >= 0.0, "{w:?}: {loss}");
        assert!(grad.iter().all(|g| g.is_finite()), "{w:?}: {grad:?}");
    }
}

#[test]
fn hessian_pass_matches_the_gradient_pass() {
    let data = Dataset::fuzzy(50_000, &mut study_rng(5)).unwrap();
    let objective = LogisticObjective::new(&data, Lambda::new(0.3).unwrap());
    let w = [0.2, -1.0, 0.7];
    let mut grad = [0.0; 3];
    let loss = objective.value_and_gradient(&w, &mut grad);
    let (loss_h, grad_h, hessian) = objective.value_gradient_hessian(w);
    assert_eq!(loss.to_bits(), loss_h.to_bits());
    assert_eq!(loss.to_bits(), objective.value(w).to_bits());
    assert_eq!(grad, grad_h);
    // The Hessian is the derivative of the gradient.
    let h = 1e-5;
    for j in 0..3 {
        let (mut up, mut down) = (w, w);
        up[j] += h;
        down[j] -= h;
        let (mut g_up, mut g_down) = ([0.0; 3], [0.0; 3]);
        objective.value_and_gradient(&up, &mut g_up);
        objective.value_and_gradient(&down, &mut g_down);
        for i in 0..3 {
            let numeric = (g_up[i] - g_down[i]) / (2.0 * h);
            assert!((numeric - hessian[i][j]).abs() <= 1e-5 * (1.0 + hessian[i][j].abs()));
        }
    }
}

#[test]
fn parallel_and_serial_passes_give_the_same_bits() {
    let data = Dataset::fuzzy(3 * PARALLEL_MIN_ROWS + 5, &mut study_rng(8)).unwrap();
    let objective = LogisticObjective::new(&data, Lambda::new(0.1).unwrap());
    let w = [0.1, 0.2, 0.3];
    // Pools of their own: the machine's core count (one, on a small runner) plays no part.
    let with = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| objective.evaluate::<HESSIAN>(w))
    };
    let serial = format!("{:?}", with(1));
    for threads in [2, 3, 4] {
        assert_eq!(format!("{:?}", with(threads)), serial, "{threads} threads");
    }
}

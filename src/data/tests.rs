//! Tests of the data sets: class sizes and regions, thread-count independence, CSV.

use super::*;

#[test]
fn odd_n_gives_class_a_the_extra_point() {
    let mut rng = study_rng(1);
    for n in [2, 3, 7, 100, 101] {
        let fuzzy = Dataset::fuzzy(n, &mut rng).unwrap();
        assert_eq!(fuzzy.len(), n);
        assert_eq!(fuzzy.count_class_a(), n.div_ceil(2));
        let separable = Dataset::separable(n, &mut rng).unwrap();
        assert_eq!(separable.count_class_a(), n.div_ceil(2));
    }
}

#[test]
fn separable_classes_stay_in_their_squares() {
    let data = Dataset::separable(2000, &mut study_rng(3)).unwrap();
    for i in 0..data.len() {
        let (a, b) = (data.x1()[i], data.x2()[i]);
        if data.labels()[i] == 1 {
            assert!((-4.0..0.0).contains(&a) && (-4.0..0.0).contains(&b));
        } else {
            assert!((0.0..4.0).contains(&a) && (0.0..4.0).contains(&b));
        }
    }
}

#[test]
fn fuzzy_class_means_are_near_their_centres() {
    let data = Dataset::fuzzy(20_000, &mut study_rng(4)).unwrap();
    let mut sums = [[0.0; 2]; 2];
    for i in 0..data.len() {
        let class = usize::from(data.labels()[i]);
        sums[class][0] += data.x1()[i];
        sums[class][1] += data.x2()[i];
    }
    let half = 10_000.0;
    for (class, centre) in [(1usize, -1.0), (0usize, 1.0)] {
        for s in sums[class] {
            assert!(
                (s / half - centre).abs() < 0.05,
                "class {class}: {}",
                s / half
            );
        }
    }
}

#[test]
fn one_thread_and_two_threads_draw_the_same_bits() {
    let n = 2 * POINT_BLOCK_ROWS + 123;
    let draw = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut rng = study_rng(11);
            (
                Dataset::fuzzy(n, &mut rng).unwrap(),
                Dataset::separable(n, &mut rng).unwrap(),
            )
        })
    };
    let (one, two) = (draw(1), draw(2));
    for (a, b) in [(&one.0, &two.0), (&one.1, &two.1)] {
        assert_eq!(a.labels(), b.labels());
        assert!(
            a.x1()
                .iter()
                .zip(b.x1())
                .all(|(p, q)| p.to_bits() == q.to_bits())
        );
        assert!(
            a.x2()
                .iter()
                .zip(b.x2())
                .all(|(p, q)| p.to_bits() == q.to_bits())
        );
    }
}

#[test]
fn blocks_draw_different_points() {
    // Each block has its own stream: block 1 must not repeat block 0.
    let data = Dataset::separable(2 * POINT_BLOCK_ROWS, &mut study_rng(5)).unwrap();
    let (first, second) = data.x1().split_at(POINT_BLOCK_ROWS);
    assert_ne!(&first[..100], &second[..100]);
}

#[test]
fn polar_deviates_have_the_moments_of_a_standard_normal() {
    let mut rng = StudyRng::seed_from_u64(1);
    let count = 200_000;
    let (mut sum, mut squares, mut fourth, mut beyond_two) = (0.0, 0.0, 0.0, 0usize);
    for _ in 0..count / 2 {
        let (a, b) = normal_pair(&mut rng);
        for x in [a, b] {
            sum += x;
            squares += x * x;
            fourth += x * x * x * x;
            beyond_two += usize::from(x.abs() > 2.0);
        }
    }
    let n = count as f64;
    assert!((sum / n).abs() < 0.01, "mean {}", sum / n);
    assert!((squares / n - 1.0).abs() < 0.01, "variance {}", squares / n);
    assert!(
        (fourth / n - 3.0).abs() < 0.06,
        "fourth moment {}",
        fourth / n
    );
    // P(|X| > 2) = 0.0455 for a standard normal.
    let tail = beyond_two as f64 / n;
    assert!((tail - 0.0455).abs() < 0.002, "tail {tail}");
}

#[test]
fn rows_are_shuffled_not_grouped_by_class() {
    let data = Dataset::fuzzy(100, &mut study_rng(0)).unwrap();
    let first_half_a = data.labels()[..50].iter().filter(|&&l| l == 1).count();
    assert!(first_half_a > 10 && first_half_a < 40, "{first_half_a}");
}

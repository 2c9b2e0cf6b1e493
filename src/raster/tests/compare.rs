//! Tests of the pixel comparison: RMS, the YIQ threshold, anti-aliasing, diff images.

use super::{figure_like, filled, render, svg};
use crate::raster::*;

#[test]
fn identical_images_compare_to_zeros() {
    let image = render(&figure_like());
    let stats = compare(&image, &image.clone(), &CompareOptions::default());
    assert_eq!(
        stats,
        Comparison::Pixels(PixelStats {
            rms: 0.0,
            changed: 0,
            differing: 0,
            antialiased: 0,
            total: 460 * 440,
        })
    );
}

#[test]
fn rms_is_matplotlibs_over_every_channel() {
    let expected = filled(2, 2, [255, 255, 255]);
    let mut rgba = expected.rgba().to_vec();
    rgba[4..7].copy_from_slice(&[0, 255, 255]);
    let actual = Image::from_rgba(2, 2, rgba).expect("valid");
    let stats = *compare(&expected, &actual, &CompareOptions::default())
        .pixels()
        .expect("same size");
    // One channel differs by 255 among 2 × 2 × 3 values.
    assert!((stats.rms - (255.0f64 * 255.0 / 12.0).sqrt()).abs() < 1e-12);
    assert_eq!((stats.changed, stats.differing, stats.total), (1, 1, 4));
    assert_eq!(stats.differing_share(), 0.25);

    // A uniform shift of 3 in every channel has RMS 3, and is below pixelmatch's threshold.
    let stats = *compare(
        &filled(5, 4, [100, 150, 200]),
        &filled(5, 4, [103, 147, 203]),
        &CompareOptions::default(),
    )
    .pixels()
    .expect("same size");
    assert!((stats.rms - 3.0).abs() < 1e-12);
    assert_eq!(
        (stats.changed, stats.differing, stats.antialiased),
        (20, 0, 0)
    );
}

#[test]
fn the_threshold_follows_the_yiq_distance() {
    // Black to white is the largest change of brightness: a squared YIQ distance of 32857,
    // over the threshold 0.96 (35215 · 0.96² = 32454) and under 0.97 (33134).
    let (black, white) = (filled(1, 1, [0; 3]), filled(1, 1, [255; 3]));
    let differing = |threshold| {
        let options = CompareOptions {
            threshold,
            ..CompareOptions::default()
        };
        compare(&black, &white, &options)
            .pixels()
            .map(|s| s.differing)
    };
    assert_eq!(differing(0.96), Some(1));
    assert_eq!(differing(0.97), Some(0));
    assert_eq!(differing(f64::NAN), Some(1));
}

#[test]
fn different_sizes_are_reported_not_compared() {
    let (small, large) = (filled(2, 3, [0; 3]), filled(3, 2, [0; 3]));
    assert_eq!(
        compare(&small, &large, &CompareOptions::default()),
        Comparison::SizeMismatch {
            expected: (2, 3),
            actual: (3, 2)
        }
    );
    let mismatch = RasterError::SizeMismatch {
        expected: (2, 3),
        actual: (3, 2),
    };
    let options = CompareOptions::default();
    assert_eq!(diff_image(&small, &large, &options), Err(mismatch));
}

#[test]
fn a_red_rectangle_is_a_real_difference_of_its_area() {
    let base = figure_like();
    let with_rect = base.replace(
        "</svg>",
        "<rect x=\"300\" y=\"200\" width=\"40\" height=\"25\" fill=\"#f00\"/></svg>",
    );
    let (expected, actual) = (render(&base), render(&with_rect));
    let stats = *compare(&expected, &actual, &CompareOptions::default())
        .pixels()
        .expect("same size");
    assert!(stats.rms > 1.0, "{stats:?}");
    // The rectangle covers 1000 pixels. Along its border, a pixel that was a blended edge of
    // the curve or a point next to untouched white passes for anti-aliasing (pixelmatch does
    // the same); everything inside is a real change.
    assert_eq!(stats.changed, 1000);
    assert_eq!(stats.differing + stats.antialiased, 1000);
    assert!(stats.differing >= 940, "{stats:?}");

    let diff = diff_image(&expected, &actual, &CompareOptions::default()).expect("same size");
    let red = |x, y| diff.pixel(x, y).is_some_and(|p| p[..3] == DIFF_COLOUR);
    assert!(red(310, 210) && red(339, 224));
    assert!(!red(299, 210) && !red(341, 210) && !red(310, 199) && !red(310, 226));
    let reds = (0..diff.height())
        .flat_map(|y| (0..diff.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| red(x, y))
        .count() as u64;
    assert_eq!(reds, stats.differing);
    for (x, y) in (0..diff.height()).flat_map(|y| (0..diff.width()).map(move |x| (x, y))) {
        if diff.pixel(x, y).is_some_and(|p| p[..3] == AA_COLOUR) {
            assert!(
                x == 300 || x == 339 || y == 200 || y == 224,
                "anti-aliasing inside the rectangle at ({x}, {y})"
            );
        }
    }
    // Unchanged pixels: the frame (grey where its 1-px stroke straddles two rows) is faded
    // to a tenth of its darkness, the background stays white.
    let frame = expected.pixel(100, 40).expect("inside")[0];
    assert!(frame < 200, "no frame at (100, 40): {frame}");
    let faded = (255.0 - (255.0 - f64::from(frame)) * 0.1).round() as u8;
    assert_eq!(diff.pixel(100, 40), Some([faded, faded, faded, 255]));
    assert_eq!(diff.pixel(5, 5), Some([255; 4]));
}

#[test]
fn a_line_shifted_by_one_pixel_is_mostly_antialiasing() {
    let line = |x: f32| {
        render(&svg(
            60,
            60,
            &format!(
                "<line x1=\"{x}\" y1=\"8\" x2=\"{}\" y2=\"52\" stroke=\"#000\" \
                 stroke-width=\"2.5\"/>",
                x + 17.0
            ),
        ))
    };
    let (expected, actual) = (line(20.3), line(21.3));
    let stats = *compare(&expected, &actual, &CompareOptions::default())
        .pixels()
        .expect("same size");
    assert!(stats.changed > 80, "{stats:?}");
    assert!(
        stats.antialiased > 4 * stats.differing,
        "shift classified as change: {stats:?}"
    );
    // Without the detector, the same pixels are all real changes.
    let counted = CompareOptions {
        detect_antialiasing: false,
        ..CompareOptions::default()
    };
    let plain = *compare(&expected, &actual, &counted)
        .pixels()
        .expect("same size");
    assert_eq!(plain.differing, stats.differing + stats.antialiased);
    assert_eq!(plain.antialiased, 0);
    let diff = diff_image(&expected, &actual, &CompareOptions::default()).expect("same size");
    let yellow = diff
        .rgba()
        .chunks_exact(4)
        .filter(|p| p[..3] == AA_COLOUR)
        .count() as u64;
    assert_eq!(yellow, stats.antialiased);
}

#[test]
fn comparison_is_fast_enough_for_a_review() {
    let (expected, actual) = (
        render(&figure_like()),
        render(&figure_like().replace("0.1", "0.2")),
    );
    let start = std::time::Instant::now();
    let stats = compare(&expected, &actual, &CompareOptions::default());
    let elapsed = start.elapsed();
    assert!(stats.pixels().is_some_and(|s| s.changed > 0));
    // Tens of times the few milliseconds it takes, so that a loaded machine does not fail it.
    assert!(elapsed.as_millis() < 200, "compare took {elapsed:?}");
}

//! Figure 9: the separable fits side by side, one panel per λ in the study's order, on
//! identical axes [−5, 5]², each with its labelled contours and the separable data.

use crate::study::{PLANE_RANGE, Study};

use super::contour;
use super::markers::{Sample, describe_points, fmt_weight, footer, legend, points, subsample_note};
use super::style::{MAX_MARKERS_PER_FIGURE, TITLE_SIZE};
use super::svg::{
    FOOTER_BAND, PANEL_HEIGHT, PANEL_WIDTH, TITLE_BAND, draw_title, finish, number, plane_panel,
    with_canvas,
};
use super::{FigureError, FigureSpec};

/// A panel's title: names λ, and says when there is no regularisation at all.
fn panel_title(lambda: f64) -> String {
    if lambda == 0.0 {
        "λ = 0 (no regularisation)".to_string()
    } else {
        format!("λ = {}", number(lambda))
    }
}

/// Figure 9.
pub(crate) fn reg_vs_no(
    spec: &FigureSpec,
    study: &Study,
    sample: &Sample,
) -> Result<String, FigureError> {
    let fits = &study.separable_fits;
    if fits.is_empty() {
        return Err(FigureError::NoSeparableFits {
            figure: spec.file_name,
        });
    }
    let prefix = format!("fig-{}", spec.id.slug());
    let width = PANEL_WIDTH * fits.len() as u32;
    let height = TITLE_BAND + PANEL_HEIGHT + FOOTER_BAND;
    // The marker budget is shared by all panels so the file stays the same size at any N.
    let sample = sample.thinned(MAX_MARKERS_PER_FIGURE / (2 * fits.len()));
    let mut shown = Vec::new();
    let (plotters_svg, extra) = with_canvas(spec, (width, height), |root| {
        draw_title(root, spec, spec.title, TITLE_SIZE)?;
        let (_, below_title) = root.split_vertically(TITLE_BAND);
        let (panel_row, _) = below_title.split_vertically(PANEL_HEIGHT);
        let mut extra = String::new();
        for (k, ((area, fit), plane)) in panel_row
            .split_evenly((1, fits.len()))
            .iter()
            .zip(fits)
            .zip(&study.views.separable)
            .enumerate()
        {
            let (_chart, frame) = plane_panel(
                area,
                spec,
                &panel_title(fit.lambda),
                PLANE_RANGE,
                PLANE_RANGE,
            )?;
            extra.push_str(&format!(
                "<g class=\"panel\" data-lambda=\"{}\">\n",
                number(fit.lambda)
            ));
            let (dots, counts, drawn_at) = points(
                &study.separable,
                &sample,
                &frame,
                &format!("{prefix}-clip-{k}"),
            );
            extra.push_str(&contour::labelled_contours(&frame, plane, &drawn_at));
            extra.push_str(&dots);
            extra.push_str(&frame.rect_element());
            extra.push_str(&legend(&frame));
            extra.push_str("</g>\n");
            if k == 0 {
                shown = counts;
            }
        }
        extra.push_str(&footer(subsample_note(&shown).as_deref(), height));
        Ok(extra)
    })?;
    let panels: Vec<String> = fits
        .iter()
        .map(|fit| {
            format!(
                "λ = {}: w = [{}, {}, {}], ‖w‖ = {:.4}",
                number(fit.lambda),
                fmt_weight(fit.result.x[0]),
                fmt_weight(fit.result.x[1]),
                fmt_weight(fit.result.x[2]),
                fit.weight_norm
            )
        })
        .collect();
    let desc = format!(
        "{} side by side on identical axes [−5, 5]², one per fit of the separable data: \
         {}. Each shows black contour lines of σ(b + w1·x1 + w2·x2) at levels 0.125 to 0.875, \
         each labelled with its level, and {}; the larger λ, the wider apart the lines.",
        crate::numbers::counted(fits.len(), "panel", "panels"),
        panels.join("; "),
        describe_points(&shown)
    );
    Ok(finish(&plotters_svg, &extra, spec.title, &desc))
}

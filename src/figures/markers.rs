//! The markers of the data points, shared by every figure that draws them: the two classes'
//! colours and shapes, the evenly strided subsample drawn at large N, the legend, and the
//! sentences and notes that say how many points a figure shows.
//!
//! Points are written as our own elements, one per point inside one `<g>` per class, so that a
//! reader (or a test) can count them and tell the classes apart by colour and shape.

use std::fmt::Write;

use crate::data::Dataset;

use super::style::{CLASS_A_COLOUR, CLASS_B_COLOUR, FONT, MARKER_RADIUS, NOTE_SIZE, SMALL_SIZE};
use super::svg::{Frame, LEGEND_BAND, escape, push_px, px};

/// One of the two classes, as the report names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Class {
    /// The label in the data: 1 for class A, 0 for class B.
    pub label: u8,
    /// "class A" or "class B".
    pub name: &'static str,
    /// `a` or `b`: suffix of CSS classes and element ids.
    pub key: &'static str,
    /// Fill colour.
    pub colour: &'static str,
}

/// Class A (label 1) first, then class B (label 0), as in the legend.
pub(crate) const CLASSES: [Class; 2] = [
    Class {
        label: 1,
        name: "class A",
        key: "a",
        colour: CLASS_A_COLOUR,
    },
    Class {
        label: 0,
        name: "class B",
        key: "b",
        colour: CLASS_B_COLOUR,
    },
];

/// How many points of a class a figure drew, out of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shown {
    /// The class.
    pub class: Class,
    /// Points drawn.
    pub drawn: usize,
    /// Points in the data.
    pub total: usize,
}

/// The rows of a data set a figure draws, per class (class A first): evenly spaced among the
/// class's rows, at most a cap per class. The rows are in random order already, so striding
/// keeps each class's spread; the same data always give the same subsample. Taken once per
/// data set, in one walk over the labels that keeps no list of all rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sample {
    /// The rows drawn, per class, in row order.
    rows: [Vec<usize>; 2],
    /// How many rows each class has.
    totals: [usize; 2],
}

impl Sample {
    /// At most `cap` rows of each class of `data`.
    pub fn of(data: &Dataset, cap: usize) -> Sample {
        let labels = data.labels();
        let class_a = data.count_class_a();
        let totals = [class_a, labels.len() - class_a];
        let mut rows: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        // The k-th pick of a class is its member number ⌊k·total/cap⌋.
        let mut seen = [0usize; 2];
        for (i, &label) in labels.iter().enumerate() {
            let class = usize::from(label == 0);
            let (total, picked) = (totals[class], rows[class].len());
            if total <= cap || (picked < cap && seen[class] == picked * total / cap) {
                rows[class].push(i);
            }
            seen[class] += 1;
        }
        Sample { rows, totals }
    }

    /// At most `cap` rows per class of this sample, evenly spaced among them.
    pub fn thinned(&self, cap: usize) -> Sample {
        Sample {
            rows: self.rows.each_ref().map(|rows| {
                let n = cap.min(rows.len());
                (0..n).map(|k| rows[k * rows.len() / n]).collect()
            }),
            totals: self.totals,
        }
    }
}

/// Appends one marker at pixel (x, y): a disc for class A, a square of the same area for
/// class B. Colours come from the enclosing group, so each point is one short element.
pub(crate) fn push_marker(out: &mut String, class: &Class, x: f64, y: f64) {
    if class.label == 1 {
        out.push_str("<circle cx=\"");
        push_px(out, x);
        out.push_str("\" cy=\"");
        push_px(out, y);
        out.push_str("\" r=\"");
        push_px(out, MARKER_RADIUS);
    } else {
        let side = MARKER_RADIUS * std::f64::consts::PI.sqrt();
        out.push_str("<path d=\"M");
        push_px(out, x - side / 2.0);
        out.push(' ');
        push_px(out, y - side / 2.0);
        let side = px(side);
        let _ = write!(out, "h{side}v{side}h-{side}z");
    }
    out.push_str("\"/>\n");
}

/// The attributes that colour a class's markers: its fill, and a thin white edge so that
/// overlapping points stay distinct.
fn marker_style(class: &Class) -> String {
    format!(
        "fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.5\"",
        class.colour
    )
}

/// The points of a sample, one group per class, clipped to the plot area (points outside the
/// axes' range stay in the document, hidden); also returns where they were drawn.
pub(crate) fn points(
    data: &Dataset,
    sample: &Sample,
    frame: &Frame,
    clip_id: &str,
) -> (String, Vec<Shown>, Vec<(f64, f64)>) {
    let mut drawn_at = Vec::new();
    let mut out = String::with_capacity(64 * (sample.rows[0].len() + sample.rows[1].len()));
    out.push_str(&format!("<defs>{}</defs>\n", frame.clip_path(clip_id)));
    let mut shown = Vec::with_capacity(2);
    for (index, class) in CLASSES.iter().enumerate() {
        let rows = &sample.rows[index];
        let _ = writeln!(
            out,
            "<g class=\"points class-{}\" data-label=\"{}\" clip-path=\"url(#{clip_id})\" {}>",
            class.key,
            class.label,
            marker_style(class)
        );
        for &i in rows {
            let (x, y) = frame.pixel(data.x1()[i], data.x2()[i]);
            push_marker(&mut out, class, x, y);
            drawn_at.push((x, y));
        }
        out.push_str("</g>\n");
        shown.push(Shown {
            class: *class,
            drawn: rows.len(),
            total: sample.totals[index],
        });
    }
    (out, shown, drawn_at)
}

/// The class legend in the band above the plot area: marker, then "class A (label 1)".
pub(crate) fn legend(frame: &Frame) -> String {
    let y = frame.top - f64::from(LEGEND_BAND) / 2.0;
    let mut out =
        format!("<g class=\"legend\" font-family=\"{FONT}\" font-size=\"{SMALL_SIZE}\">\n");
    let mut x = frame.left + 6.0;
    for class in CLASSES {
        let _ = write!(out, "<g {}>", marker_style(&class));
        push_marker(&mut out, &class, x, y);
        let _ = writeln!(
            out,
            "</g><text x=\"{}\" y=\"{}\">{} (label {})</text>",
            px(x + 9.0),
            px(y + 0.36 * f64::from(SMALL_SIZE)),
            class.name,
            class.label
        );
        x += 150.0;
    }
    out.push_str("</g>\n");
    out
}

/// The note saying that a figure shows a subsample, or `None` when every point is drawn.
pub(crate) fn subsample_note(shown: &[Shown]) -> Option<String> {
    if shown.iter().all(|s| s.drawn == s.total) {
        return None;
    }
    let parts: Vec<String> = shown
        .iter()
        .enumerate()
        .map(|(k, s)| {
            // "points" once: the note must fit under one panel.
            let points = if k == 0 { " points" } else { "" };
            format!("{} of {}{points} of {}", s.drawn, s.total, s.class.name)
        })
        .collect();
    Some(format!("showing {} (evenly strided)", parts.join(", ")))
}

/// The note as a text element at the foot of a figure `height` pixels high, in a smaller
/// font than the rest so that it fits under a single panel.
pub(crate) fn footer(note: Option<&str>, height: u32) -> String {
    note.map_or_else(String::new, |note| {
        format!(
            "<text class=\"subsample-note\" x=\"6\" y=\"{}\" font-family=\"{FONT}\" \
             font-size=\"{NOTE_SIZE}\">{}</text>\n",
            height - 5,
            escape(note)
        )
    })
}

/// A sentence for `<desc>` saying how many points of each class there are (and how many drawn).
pub(crate) fn describe_points(shown: &[Shown]) -> String {
    let parts: Vec<String> = shown
        .iter()
        .map(|s| {
            let of = if s.drawn == s.total {
                String::new()
            } else {
                format!(" ({} drawn)", s.drawn)
            };
            format!(
                "{} of {} (label {}, {}){of}",
                crate::numbers::counted(s.total, "point", "points"),
                s.class.name,
                s.class.label,
                if s.class.label == 1 {
                    "blue discs"
                } else {
                    "orange squares"
                }
            )
        })
        .collect();
    parts.join(" and ")
}

//! What an SVG may hold before it is drawn: a quick look at the text before the parser sees it
//! (its size, how deep its elements nest, how many there are, and none of the elements whose
//! cost has no bound), and after parsing, what drawing it would paint. A baseline can hold
//! any bytes; these checks turn a file that would crash, exhaust memory or never finish into
//! an error that says why.

use resvg::usvg;

use super::error::{MAX_DEPTH, MAX_ELEMENTS, MAX_PAINTED, MAX_SVG_BYTES, RasterError};

/// Elements no figure of this tool draws whose cost is not bounded by the image's size: a
/// `use` can reference what references again (each level multiplying the work), filters run
/// per pixel per primitive, patterns and masks render whole layers, images nest documents.
const UNSUPPORTED: [&str; 7] = [
    "use",
    "filter",
    "pattern",
    "mask",
    "image",
    "feImage",
    "foreignObject",
];

/// What the scan steps over whole, each with its end: comments, character data and processing
/// instructions.
const SKIPPED: [(&[u8], &[u8]); 3] = [(b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>")];

/// Checks the text of an SVG before it is parsed.
pub(super) fn before_parsing(svg: &str) -> Result<(), RasterError> {
    if svg.len() > MAX_SVG_BYTES {
        return Err(RasterError::Limit(format!(
            "the SVG is {} bytes, more than the {MAX_SVG_BYTES} a figure may have",
            svg.len()
        )));
    }
    let bytes = svg.as_bytes();
    let (mut depth, mut elements, mut at) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        at += offset;
        let rest = &bytes[at..];
        if let Some((_, close)) = SKIPPED.iter().find(|(open, _)| rest.starts_with(open)) {
            at += rest
                .windows(close.len())
                .position(|w| w == *close)
                .map_or(rest.len(), |end| end + close.len());
            continue;
        }
        if rest.starts_with(b"<!") {
            // A document type with an internal subset can declare entities that expand
            // without bound; a figure has no document type at all.
            // Only this declaration is looked at: the scan stays linear in the file's size.
            let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
            if rest[..end].contains(&b'[') || rest.starts_with(b"<!ENTITY") {
                return Err(RasterError::Unsupported(
                    "a document type that declares entities".into(),
                ));
            }
            at += end + 1;
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        at += end;
        if tag.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_end = tag[1..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .map_or(tag.len(), |p| p + 1);
        let name = std::str::from_utf8(&tag[1..name_end]).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let local = name.rsplit(':').next().unwrap_or(name);
        if let Some(found) = UNSUPPORTED.iter().find(|u| u.eq_ignore_ascii_case(local)) {
            return Err(RasterError::Unsupported(format!("a <{found}> element")));
        }
        elements += 1;
        if elements > MAX_ELEMENTS {
            return Err(RasterError::Limit(format!(
                "the SVG holds more than {MAX_ELEMENTS} elements"
            )));
        }
        if !tag.ends_with(b"/>") {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(RasterError::Limit(format!(
                    "the SVG's elements nest more than {MAX_DEPTH} deep"
                )));
            }
        }
    }
    Ok(())
}

/// The length of the tag at the start of `rest`, up to and including its `>`, quoted
/// attribute values (which may hold `>`) skipped.
fn tag_end(rest: &[u8]) -> usize {
    let mut quote = None;
    for (k, &b) in rest.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    rest.len()
}

/// Checks what drawing the parsed `root` at `scale` onto a `width` × `height` canvas would
/// paint: every fill and stroke counted by the area of its box on the canvas.
pub(super) fn paint_cost(
    root: &usvg::Group,
    scale: f64,
    width: f64,
    height: f64,
) -> Result<(), RasterError> {
    let canvas = width * height;
    let mut painted = 0.0f64;
    let mut count = |rect: usvg::Rect| {
        let w = (f64::from(rect.width()) * scale).clamp(1.0, width.max(1.0));
        let h = (f64::from(rect.height()) * scale).clamp(1.0, height.max(1.0));
        painted += (w * h).min(canvas.max(1.0));
    };
    visit(root, &mut |node| match node {
        usvg::Node::Path(path) => {
            if path.fill().is_some() {
                count(path.abs_bounding_box());
            }
            if path.stroke().is_some() {
                count(path.abs_stroke_bounding_box());
            }
        }
        usvg::Node::Text(text) => count(text.abs_bounding_box()),
        usvg::Node::Group(_) | usvg::Node::Image(_) => {}
    });
    if painted > MAX_PAINTED {
        return Err(RasterError::Limit(format!(
            "drawing the SVG would paint {painted:.0} pixels, more than the {MAX_PAINTED:.0} a \
             figure may"
        )));
    }
    Ok(())
}

/// Calls `f` on every node below `group`, clip paths included.
fn visit(group: &usvg::Group, f: &mut dyn FnMut(&usvg::Node)) {
    for node in group.children() {
        f(node);
        if let usvg::Node::Group(inner) = node {
            if let Some(clip) = inner.clip_path() {
                visit(clip.root(), f);
            }
            visit(inner, f);
        }
    }
}

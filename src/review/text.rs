//! The page-text layer of a review: the text a reader sees on the page (tags stripped; inline
//! SVG, styles and scripts left out, since the figures have their own layer; MathML kept, as
//! it is read), one line per block, and a unified diff of the baseline's lines against the
//! run's.

use html5gum::{DefaultEmitter, Token, Tokenizer};
use similar::udiff::UnifiedHunkHeader;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

/// Lines longer than this (in bytes) are not compared word by word.
const INLINE_LINE_LIMIT: usize = 4000;

/// Elements whose content is not page text.
const SKIPPED: [&str; 3] = ["svg", "style", "script"];

/// Elements that start and end a line of their own.
const BLOCKS: [&str; 33] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "title",
    "tr",
];

/// The visible text of an HTML page, one line per block, each line's white space collapsed.
/// The page is read by a WHATWG tokenizer, once from start to end, whatever it holds: its
/// time grows with its length, never faster.
pub fn visible_text(html: &str) -> String {
    let mut emitter = DefaultEmitter::default();
    // Styles and scripts are raw text, as a browser reads them.
    emitter.naively_switch_states(true);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let flush = |line: &mut String, lines: &mut Vec<String>| {
        let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !collapsed.is_empty() {
            lines.push(collapsed);
        }
        line.clear();
    };
    // The element being left out (svg, style, script) and how deep in it the reader is.
    let mut skipping: Option<(String, usize)> = None;
    // Whether the open <math> is a display equation, a block of its own.
    let mut block_math = false;
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if skipped(&mut skipping, &name, isize::from(!tag.self_closing)) {
                    continue;
                }
                if SKIPPED.contains(&name.as_str()) {
                    line.push(' ');
                    skipping = (!tag.self_closing).then_some((name, 1));
                    continue;
                }
                if name == "math" {
                    block_math = tag
                        .attributes
                        .get(b"display".as_slice())
                        .is_some_and(|v| v.value.as_slice() == b"block");
                }
                if BLOCKS.contains(&name.as_str()) || (name == "math" && block_math) {
                    flush(&mut line, &mut lines);
                } else if matches!(name.as_str(), "td" | "th") && !line.trim().is_empty() {
                    line.push_str(" | ");
                }
                // Other inline elements (a, code, MathML's mi, mo, mn, …) join their text
                // with their neighbours' as the source spaces it.
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if !skipped(&mut skipping, &name, -1)
                    && (BLOCKS.contains(&name.as_str()) || (name == "math" && block_math))
                {
                    flush(&mut line, &mut lines);
                }
            }
            Token::String(text) if skipping.is_none() => {
                line.push_str(&String::from_utf8_lossy(&text.value));
            }
            _ => {}
        }
    }
    flush(&mut line, &mut lines);
    lines.join("\n") + "\n"
}

/// Whether the reader is inside a left-out element, whose levels a tag of its name opens
/// (`step` 1) or closes (-1).
fn skipped(skipping: &mut Option<(String, usize)>, name: &str, step: isize) -> bool {
    let Some((element, depth)) = skipping else {
        return false;
    };
    if element == name {
        *depth = depth.saturating_add_signed(step);
    }
    if *depth == 0 {
        *skipping = None;
    }
    true
}

/// A stretch of a changed line: words that changed are marked, so a reader finds the one
/// number that moved in a long paragraph.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    /// Whether these words differ from the other side's line.
    pub changed: bool,
    /// The text.
    pub text: String,
}

/// One line of a diff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DiffLine {
    /// `-` for the baseline's, `+` for the run's, a space for both.
    pub sign: char,
    /// The page's style class for the sign: `del`, `ins` or `ctx`.
    pub class: &'static str,
    /// The line.
    pub text: String,
    /// The line in stretches, the changed words marked (one unmarked stretch where the line
    /// has no counterpart on the other side).
    pub parts: Vec<Part>,
}

/// Consecutive changed lines with their context.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hunk {
    /// `@@ -a,b +c,d @@`, as in a unified diff (GNU diff's: `-5` for one line, `-4,0` for
    /// none after line 4).
    pub header: String,
    /// The lines.
    pub lines: Vec<DiffLine>,
}

/// How two texts differ, line by line: the page's visible text, or a text file's lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PageText {
    /// Lines only the baseline has.
    pub removed: usize,
    /// Lines only the run has.
    pub added: usize,
    /// The changes with three lines of context.
    pub hunks: Vec<Hunk>,
}

impl PageText {
    /// Whether the texts are the same.
    pub fn same(&self) -> bool {
        self.removed == 0 && self.added == 0
    }

    /// The diff as unified-diff text.
    pub fn unified(&self) -> String {
        let mut out = String::new();
        for hunk in &self.hunks {
            out.push_str(&hunk.header);
            out.push('\n');
            for line in &hunk.lines {
                out.push(line.sign);
                out.push_str(&line.text);
                out.push('\n');
            }
        }
        out
    }
}

/// The most lines of a side that are diffed: the page's visible text is a few hundred lines.
/// Past it, a diff could take minutes, so none is made and the note says why.
pub const MAX_DIFF_LINES: usize = 10_000;

/// The line diff of two pages' visible text.
pub fn diff_pages(baseline: &str, candidate: &str) -> Result<PageText, String> {
    diff_lines(&visible_text(baseline), &visible_text(candidate))
}

/// The line diff of two texts, with three lines of context and the changed words of each
/// changed line marked.
pub fn diff_lines(old: &str, new: &str) -> Result<PageText, String> {
    for (side, text) in [("the baseline's", old), ("the run's", new)] {
        let lines = text.lines().count();
        if lines > MAX_DIFF_LINES {
            return Err(format!(
                "{side} text has {lines} lines, more than the {MAX_DIFF_LINES} a diff is made of"
            ));
        }
    }
    // No deadline: a diff that depended on the machine's speed would not be the same bytes
    // in every review.json.
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    let mut text = PageText::default();
    for group in diff.grouped_ops(3) {
        if group.is_empty() {
            continue;
        }
        let lines: Vec<DiffLine> = group
            .iter()
            .flat_map(|op| line_pieces(&diff, op))
            .map(|(tag, pieces)| diff_line(tag, pieces))
            .collect();
        text.removed += lines.iter().filter(|line| line.sign == '-').count();
        text.added += lines.iter().filter(|line| line.sign == '+').count();
        text.hunks.push(Hunk {
            header: UnifiedHunkHeader::new(&group).to_string(),
            lines,
        });
    }
    Ok(text)
}

/// The lines of one step of a diff, in pieces marked changed or not. Words are compared only in
/// lines short enough for it to be quick: a long line is marked as a whole by its sign.
fn line_pieces(diff: &TextDiff<'_, '_, str>, op: &DiffOp) -> Vec<(ChangeTag, Vec<(bool, String)>)> {
    if diff
        .iter_changes(op)
        .any(|c| c.value().len() > INLINE_LINE_LIMIT)
    {
        return diff
            .iter_changes(op)
            .map(|c| (c.tag(), vec![(false, c.value().to_string())]))
            .collect();
    }
    diff.iter_inline_changes_deadline(op, None)
        .map(|c| {
            let pieces = c
                .iter_strings_lossy()
                .map(|(changed, text)| (changed, text.into_owned()))
                .collect();
            (c.tag(), pieces)
        })
        .collect()
}

/// One line of a hunk from its pieces: neighbouring pieces alike joined, the line end dropped.
fn diff_line(tag: ChangeTag, pieces: Vec<(bool, String)>) -> DiffLine {
    let (sign, class) = match tag {
        ChangeTag::Delete => ('-', "del"),
        ChangeTag::Insert => ('+', "ins"),
        ChangeTag::Equal => (' ', "ctx"),
    };
    let mut parts: Vec<Part> = Vec::new();
    for (changed, piece) in pieces {
        let piece = piece.trim_end_matches('\n');
        match parts.last_mut() {
            Some(last) if last.changed == changed => last.text.push_str(piece),
            _ if piece.is_empty() => {}
            _ => parts.push(Part {
                changed,
                text: piece.to_string(),
            }),
        }
    }
    // A line with no counterpart is marked whole by `similar`; unmark it: the sign already
    // says it is new or gone.
    if parts.iter().all(|p| p.changed) {
        parts.iter_mut().for_each(|p| p.changed = false);
    }
    let text = parts.iter().map(|p| p.text.as_str()).collect();
    DiffLine {
        sign,
        class,
        text,
        parts,
    }
}

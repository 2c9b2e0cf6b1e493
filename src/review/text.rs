//! The page-text layer of a review: the text a reader sees on the page (tags stripped; inline
//! SVG, styles and scripts left out, since the figures have their own layer; MathML kept, as
//! it is read), one line per block, and a unified diff of the baseline's lines against the
//! run's.

use similar::{Algorithm, ChangeTag, TextDiff};

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
pub fn visible_text(html: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut rest = html;
    let flush = |line: &mut String, lines: &mut Vec<String>| {
        let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !collapsed.is_empty() {
            lines.push(collapsed);
        }
        line.clear();
    };
    while let Some(at) = rest.find('<') {
        line.push_str(&decode_entities(&rest[..at]));
        rest = &rest[at..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(tag) = Tag::parse(rest) else {
            // A lone '<' is text.
            line.push('<');
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        if !tag.closing && SKIPPED.contains(&tag.name.as_str()) {
            line.push(' ');
            if !tag.self_closing {
                rest = skip_element(rest, &tag.name);
            }
            continue;
        }
        let block = BLOCKS.contains(&tag.name.as_str()) || (tag.name == "math" && tag.block_math);
        if block {
            flush(&mut line, &mut lines);
        } else if matches!(tag.name.as_str(), "td" | "th")
            && !tag.closing
            && !line.trim().is_empty()
        {
            line.push_str(" | ");
        }
        // Other inline elements (a, code, MathML's mi, mo, mn, …) join their text with their
        // neighbours' as the source spaces it.
    }
    line.push_str(&decode_entities(rest));
    flush(&mut line, &mut lines);
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// An HTML tag at the start of a text.
struct Tag {
    /// Its name, lower case (empty for `<!DOCTYPE …>`).
    name: String,
    closing: bool,
    self_closing: bool,
    /// `<math display="block">`.
    block_math: bool,
    /// Its length in bytes, `<` to `>`.
    len: usize,
}

impl Tag {
    fn parse(text: &str) -> Option<Tag> {
        let inner = text.strip_prefix('<')?;
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(after) => (true, after),
            None => (false, inner),
        };
        let declaration = inner.starts_with('!') || inner.starts_with('?');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() && !declaration {
            return None;
        }
        // The end: the first '>' outside a quoted attribute value.
        let mut quote = None;
        let mut end = None;
        for (at, c) in text.char_indices().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if !declaration => quote = Some(c),
                (None, '>') => {
                    end = Some(at);
                    break;
                }
                _ => {}
            }
        }
        let end = end?;
        let body = &text[..end];
        Some(Tag {
            name,
            closing,
            self_closing: body.ends_with('/'),
            block_math: body.contains("display=\"block\""),
            len: end + 1,
        })
    }
}

/// The text after the element `name` whose start tag was just read, nested ones included.
fn skip_element<'a>(mut rest: &'a str, name: &str) -> &'a str {
    let raw_text = name != "svg";
    let mut depth = 1;
    while depth > 0 {
        let Some(at) = rest.find('<') else {
            return "";
        };
        rest = &rest[at..];
        match Tag::parse(rest) {
            Some(tag) if tag.name == name => {
                rest = &rest[tag.len..];
                if tag.closing {
                    depth -= 1;
                } else if !tag.self_closing && !raw_text {
                    depth += 1;
                }
            }
            Some(tag) if !raw_text => rest = &rest[tag.len..],
            _ => rest = &rest[1..],
        }
    }
    rest
}

/// Replaces character references by their characters; an unknown one stays as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => number.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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
    /// The line.
    pub text: String,
    /// The line in stretches, the changed words marked (one unmarked stretch where the line
    /// has no counterpart on the other side).
    pub parts: Vec<Part>,
}

/// Consecutive changed lines with their context.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hunk {
    /// `@@ -a,b +c,d @@`, as in a unified diff.
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
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old_start, new_start) = (first.old_range().start, first.new_range().start);
        let (old_len, new_len) = (
            last.old_range().end - old_start,
            last.new_range().end - new_start,
        );
        let mut hunk = Hunk {
            header: format!(
                "@@ -{},{old_len} +{},{new_len} @@",
                old_start + 1,
                new_start + 1
            ),
            lines: Vec::new(),
        };
        for op in &group {
            // Words are compared only in lines short enough for it to be quick: a long line
            // is marked as a whole by its sign.
            let short = diff
                .iter_changes(op)
                .all(|c| c.value().len() <= INLINE_LINE_LIMIT);
            let changes: Vec<(ChangeTag, Vec<(bool, String)>)> = if short {
                diff.iter_inline_changes_deadline(op, None)
                    .map(|c| {
                        let pieces = c
                            .iter_strings_lossy()
                            .map(|(changed, text)| (changed, text.into_owned()))
                            .collect();
                        (c.tag(), pieces)
                    })
                    .collect()
            } else {
                diff.iter_changes(op)
                    .map(|c| (c.tag(), vec![(false, c.value().to_string())]))
                    .collect()
            };
            for (tag, pieces) in changes {
                let sign = match tag {
                    ChangeTag::Delete => {
                        text.removed += 1;
                        '-'
                    }
                    ChangeTag::Insert => {
                        text.added += 1;
                        '+'
                    }
                    ChangeTag::Equal => ' ',
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
                // A line with no counterpart is marked whole by `similar`; unmark it: the
                // sign already says it is new or gone.
                if parts.iter().all(|p| p.changed) {
                    for part in &mut parts {
                        part.changed = false;
                    }
                }
                let text_of_line: String = parts.iter().map(|p| p.text.as_str()).collect();
                hunk.lines.push(DiffLine {
                    sign,
                    text: text_of_line,
                    parts,
                });
            }
        }
        text.hunks.push(hunk);
    }
    Ok(text)
}

//! Text put into markup: one escaper per language, each serving element text and attribute
//! values alike, so that a name reads the same wherever it is written. XML for the figures'
//! SVG, the social card and the JUnit report; HTML for the site's own pages (the page itself
//! is escaped by its template engine). And the one rule the program holds URLs' `%XX` escapes
//! to.

/// `text` made safe inside an element, or inside an attribute quoted with `"` or `'`, of XML
/// 1.0: `&`, `<`, `>`, `"` and `'` as entities, and each character XML 1.0 does not allow (the
/// control characters but tab, line feed and carriage return; U+FFFE, U+FFFF) as U+FFFD.
pub fn xml(text: &str) -> String {
    escape(text, true)
}

/// `text` made safe inside an HTML element or an attribute quoted with `"` (the only quote
/// this program's pages use): `&`, `<`, `>` and `"` as entities, control characters as in
/// [`xml`].
pub fn html(text: &str) -> String {
    escape(text, false)
}

/// `bytes` as a `data:` URI of type `mime`, in base64: a page that shows or offers them
/// inline loads nothing from anywhere.
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    let mut uri = format!("data:{mime};base64,");
    base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut uri);
    uri
}

/// Whether every `%` in `text` starts an escape of two hex digits, as in a URL.
pub fn percent_escapes_well_formed(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(k, &b)| {
        b != b'%'
            || bytes
                .get(k + 1..k + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}

fn escape(text: &str, apostrophe: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' if apostrophe => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ASCII character and a few beyond, as element text and as both kinds of quoted
    /// attribute: an XML parser reads back what was meant.
    #[test]
    fn every_character_reads_back_from_text_and_attributes() {
        let mut name: String = (0u8..=0x7f).map(char::from).collect();
        name.push_str("é λ 😀 \u{FFFE}\u{FFFF}");
        let escaped = xml(&name);
        let xml = format!("<a d=\"{escaped}\" s='{escaped}'>{escaped}</a>");
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        let allowed = |c: char| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        };
        // The parser's own normalisation: line ends become \n in text, white space a space in
        // attributes.
        let text: String = name
            .chars()
            .map(allowed)
            .collect::<String>()
            .replace('\r', "\n");
        let attribute: String = name
            .chars()
            .map(allowed)
            .map(|c| {
                if matches!(c, '\t' | '\n' | '\r') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        assert_eq!(root.text(), Some(text.as_str()));
        assert_eq!(root.attribute("d"), Some(attribute.as_str()));
        assert_eq!(root.attribute("s"), Some(attribute.as_str()));
        // HTML: the same, in the double quotes its pages use.
        let html = format!("<a d=\"{}\">{}</a>", html(&name), html(&name));
        let doc = roxmltree::Document::parse(&html).expect("well-formed");
        assert_eq!(doc.root_element().text(), Some(text.as_str()));
        assert_eq!(doc.root_element().attribute("d"), Some(attribute.as_str()));
    }
}

//! Reading the paths a Rust file names: a small tokenizer (literals and plain comments
//! dropped, doc comments kept apart) and the expansion of `use` trees into leaf paths.

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// The tokens of Rust source that matter for paths; string and character literals and plain
/// comments are dropped; the text of doc comments comes back apart (for intra-doc links).
pub(super) fn tokens(text: &str) -> (Vec<Token>, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut docs) = (Vec::new(), Vec::new());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            let end = (i..chars.len())
                .find(|&k| chars[k] == '\n')
                .unwrap_or(chars.len());
            if matches!(at(i + 2), '/' | '!') {
                docs.push(chars[i + 3.min(end - i)..end].iter().collect());
            }
            i = end;
        } else if c == '/' && at(i + 1) == '*' {
            i = after_block_comment(&chars, i);
        } else if c == 'r' && (at(i + 1) == '"' || (at(i + 1) == '#' && at(i + 2) != '[')) {
            // A raw string: r"…" or r#"…"#.
            let hashes = (i + 1..).take_while(|&k| at(k) == '#').count();
            let mut k = i + 2 + hashes;
            while k < chars.len() && !(chars[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#')) {
                k += 1;
            }
            i = k + 1 + hashes;
            out.push(Token::Other);
        } else if c == '"' {
            let mut k = i + 1;
            while k < chars.len() && chars[k] != '"' {
                k += if chars[k] == '\\' { 2 } else { 1 };
            }
            i = k + 1;
            out.push(Token::Other);
        } else if c == '\'' {
            // A character literal ('a', '\n', '{'), or a lifetime ('a).
            if at(i + 1) == '\\' {
                let end = (i + 2..chars.len())
                    .find(|&k| chars[k] == '\'')
                    .unwrap_or(i + 2);
                i = end + 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
            out.push(Token::Other);
        } else if c.is_alphabetic() || c == '_' {
            let end = (i..chars.len())
                .find(|&k| !(chars[k].is_alphanumeric() || chars[k] == '_'))
                .unwrap_or(chars.len());
            out.push(Token::Ident(chars[i..end].iter().collect()));
            i = end;
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token::PathSep);
            i += 2;
        } else {
            out.push(match c {
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                c if c.is_whitespace() => {
                    i += 1;
                    continue;
                }
                _ => Token::Other,
            });
            i += 1;
        }
    }
    (out, docs)
}

/// The index after the block comment (nested ones included) that opens at `chars[i]`.
fn after_block_comment(chars: &[char], mut i: usize) -> usize {
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut depth = 0;
    while i < chars.len() {
        match (chars[i], at(i + 1)) {
            ('/', '*') => depth += 1,
            ('*', '/') if depth <= 1 => return i + 2,
            ('*', '/') => depth -= 1,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    i
}

/// Every path of a file that may name a module of the crate, with the inline modules it is
/// written in (`mod tests { … }`): `use` trees are expanded into their leaves.
pub(super) fn named_paths(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let (tokens, docs) = tokens(text);
    let mut found = Vec::new();
    // Inline modules open at a brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Open => {
                depth += 1;
                i += 1;
            }
            Token::Close => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Token::Ident(word)
                if word == "mod"
                    && matches!(tokens.get(i + 2), Some(Token::Open))
                    && matches!(tokens.get(i + 1), Some(Token::Ident(_))) =>
            {
                let Some(Token::Ident(name)) = tokens.get(i + 1) else {
                    unreachable!()
                };
                if is_cfg_test(&tokens[..i]) {
                    // Unit tests are no part of the program's structure: skip the block.
                    i = after_block(&tokens, i + 2);
                    continue;
                }
                depth += 1;
                inline.push((name.clone(), depth));
                i += 3;
            }
            Token::Ident(_)
                if tokens.get(i + 1) == Some(&Token::PathSep)
                    && (i == 0 || tokens[i - 1] != Token::PathSep) =>
            {
                let scope: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                let mut leaves = Vec::new();
                i = use_tree(&tokens, i, Vec::new(), &mut leaves);
                found.extend(leaves.into_iter().map(|leaf| (scope.clone(), leaf)));
            }
            _ => i += 1,
        }
    }
    // Doc links (not in any inline module's scope: good enough, since test modules have no
    // doc links).
    found.extend(
        docs.iter()
            .flat_map(|doc| doc_paths(doc))
            .map(|leaf| (Vec::new(), leaf)),
    );
    found
}

/// The index after the block that opens at `tokens[i]`.
fn after_block(tokens: &[Token], mut i: usize) -> usize {
    let mut open = 0usize;
    while let Some(token) = tokens.get(i) {
        i += 1;
        match token {
            Token::Open => open += 1,
            Token::Close if open <= 1 => break,
            Token::Close => open -= 1,
            _ => {}
        }
    }
    i
}

/// The paths a doc comment links: `crate::a::b`, `super::x`, `self::y` in its text.
fn doc_paths(doc: &str) -> Vec<Vec<String>> {
    let (tokens, _) = tokens_of_doc(doc);
    let mut leaves = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Ident(word) = &tokens[i]
            && matches!(word.as_str(), "crate" | "super" | "self")
            && tokens.get(i + 1) == Some(&Token::PathSep)
        {
            i = use_tree(&tokens, i, Vec::new(), &mut leaves);
        } else {
            i += 1;
        }
    }
    leaves
}

/// Whether the tokens before a `mod` end with `#[cfg(test)]`.
fn is_cfg_test(before: &[Token]) -> bool {
    let ident = |k: usize, word: &str| {
        before.len() >= k && before[before.len() - k] == Token::Ident(word.to_string())
    };
    ident(5, "cfg") && ident(3, "test")
}

/// A doc comment's text as tokens, with apostrophes and quotes of prose not taken for
/// literals.
fn tokens_of_doc(doc: &str) -> (Vec<Token>, Vec<String>) {
    tokens(&doc.replace(['\'', '"'], " "))
}

/// Reads the trees of a `{ … }` group of `use` from `tokens[i]`, after its brace, each under
/// `prefix`; returns the index after the closing brace.
fn use_group(
    tokens: &[Token],
    mut i: usize,
    prefix: &[String],
    leaves: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match tokens.get(i) {
            Some(Token::Close) => return i + 1,
            None => return i,
            Some(Token::Ident(_)) => i = use_tree(tokens, i, prefix.to_vec(), leaves),
            Some(_) => i += 1,
        }
    }
}

/// Reads a path or `use` tree from `tokens[i]`, pushing each leaf path (prefix included);
/// returns the index after it.
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    prefix: Vec<String>,
    leaves: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    loop {
        match tokens.get(i) {
            Some(Token::Ident(word)) => {
                path.push(word.clone());
                i += 1;
                if tokens.get(i) == Some(&Token::PathSep) {
                    i += 1;
                    continue;
                }
                break;
            }
            Some(Token::Open) => return use_group(tokens, i + 1, &path, leaves),
            _ => break,
        }
    }
    // `use super::{self, X}`: `self` names the prefix itself.
    if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
        path.pop();
    }
    leaves.push(path);
    i
}

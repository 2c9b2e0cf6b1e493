//! Every changed file gets its evidence on the page: an image that came or went is shown, a
//! text file gets a line diff, the page's text diff marks the words that changed, and the
//! numbers are grouped by the fit they belong to.

use super::{Setup, figure, stdout_of};
use crate::support::stderr_of;

#[test]
fn a_new_image_and_changed_text_files_are_shown_with_their_diffs() {
    let setup = Setup::new();
    let output = setup.review(&["--site-url", "https://example.org/p/"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("FAIL new        social-card.png"),
        "{}",
        stdout_of(&output)
    );
    let page = setup.page();
    // The social card is drawn, with a link to it at full size.
    let card = page
        .split("id=\"file-social-card\"")
        .nth(1)
        .expect("a card for the new image");
    assert!(card.contains("data:image/png;base64,"), "no image shown");
    assert!(card.contains("href=\"images/social-card.candidate.png\""));
    let png = std::fs::read(setup.review_dir().join("images/social-card.candidate.png"))
        .expect("the image at full size");
    assert!(png.starts_with(b"\x89PNG"));
    // The redirect page and the headers file are text files with a diff of their own.
    let record = setup.record();
    let texts = record["texts"].as_array().expect("texts");
    let redirect = texts
        .iter()
        .find(|t| t["path"] == "report.html")
        .expect("a diff of report.html");
    assert!(
        redirect["diff"]
            .as_str()
            .expect("a diff")
            .contains("+<link rel=\"canonical\" href=\"https://example.org/p/\">"),
        "{redirect}"
    );
    assert!(
        page.contains("id=\"file-report\""),
        "no diff of report.html on the page"
    );
}

#[test]
fn the_page_text_diff_marks_the_words_that_changed_and_numbers_are_grouped_by_fit() {
    let setup = Setup::new();
    let output = setup.review(&["--lambdas", "0,0.1,5"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let page = setup.page();
    // One number in a long line of the page: the line is in the diff, the number marked.
    assert!(page.contains("<mark>"), "no word marked in the text diff");
    let marked: Vec<&str> = page
        .split("<mark>")
        .skip(1)
        .filter_map(|rest| rest.split("</mark>").next())
        .collect();
    assert!(marked.iter().any(|m| m.contains('5')), "{marked:?}");
    assert!(
        marked.iter().all(|m| m.len() < 200),
        "whole paragraphs marked: {marked:?}"
    );
    // The third fit, compared by its place: one group, saying how its λ moved.
    let numbers = page.split("id=\"numbers\"").nth(1).unwrap_or_default();
    assert!(
        numbers.contains("the third separable fit (λ 10 → 5)"),
        "{numbers}"
    );
    // The JSON says the same, key by key.
    let keys: Vec<String> = setup.record()["numbers"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["key"].as_str().map(String::from))
        .collect();
    assert!(
        keys.contains(&"fits[separable #3].lambda".to_string()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"fits[separable #3].x[0]".to_string()),
        "{keys:?}"
    );
    // A fit that came: one line, folded, with its count of values.
    let output = setup.review(&["--lambdas", "0,0.1,10,5"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let page = setup.page();
    // As many values as review.json lists for that fit, each of them new.
    let changes = setup.record()["numbers"]["changes"].clone();
    let new_values = changes.as_array().map_or(0, |all| {
        let key = |c: &serde_json::Value| c["key"].as_str().map(String::from);
        let fourth =
            |c: &&serde_json::Value| key(c).is_some_and(|k| k.starts_with("fits[separable #4]"));
        all.iter().filter(fourth).count()
    });
    assert!(new_values > 50, "{changes}");
    let folded =
        format!("the fourth separable fit (λ = 5): new in this run, {new_values} values</summary>");
    assert!(
        page.contains(&folded),
        "{}",
        page.split("id=\"numbers\"").nth(1).unwrap_or_default()
    );
    // Their values are inside the folded line, not in flat rows of "(absent)".
    let unfolded: String = page
        .split("id=\"numbers\"")
        .nth(1)
        .unwrap_or_default()
        .split("<details>")
        .map(|part| {
            part.split_once("</details>")
                .map_or(part, |(_, after)| after)
        })
        .collect();
    // Only the run's list of strengths has a value the baseline lacks in a flat row:
    // lambdas[3].
    assert_eq!(
        unfolded.matches("(absent)").count(),
        1,
        "a flat row per value of a fit that came or went"
    );
    assert_eq!(
        figure(&setup.record(), "reg-vs-no.svg")["causes"][0]["input"],
        "the separable fits"
    );
}

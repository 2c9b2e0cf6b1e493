//! The output folder as a static site: an index page with its metadata, the redirect from the
//! old page name, the host's files, the links a visitor can follow, the markup assistive
//! technology reads, and with `--site-url` the link-preview tags and the social card.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use logreg_report::figures::FIGURES;
use logreg_report::raster::Image;
use logreg_report::report::site::CSP;
use logreg_report::report::{HEADERS, NOJEKYLL, PAGE, REDIRECT, RESULTS, SOCIAL_CARD};
use sha2::{Digest, Sha256};

use crate::support::{binary, files_of, one_line, snapshot, stderr_of, write_report};

/// Where the tests pretend to publish.
const SITE: &str = "https://example.org/project";

/// Writes the default report with `--site-url SITE` into `out`.
fn write_site(out: &Path) {
    binary()
        .args(["--quiet", "--site-url", SITE, "--out"])
        .arg(out)
        .assert()
        .success();
}

fn read(out: &Path, name: &str) -> String {
    fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The entities Tera and the redirect write in attribute values, decoded.
fn decode(value: &str) -> String {
    value
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every value of `attribute` in `html`, decoded, in order.
fn values(html: &str, attribute: &str) -> Vec<String> {
    let key = format!(" {attribute}=\"");
    html.match_indices(&key)
        .filter_map(|(at, _)| {
            let rest = &html[at + key.len()..];
            rest.find('"').map(|end| decode(&rest[..end]))
        })
        .collect()
}

/// The `content` of the `<meta>` whose `name` or `property` is `key`.
fn meta(html: &str, key: &str) -> Option<String> {
    html.split("<meta ").skip(1).find_map(|tag| {
        let tag = &tag[..tag.find('>')?];
        let named = tag.contains(&format!("name=\"{key}\""))
            || tag.contains(&format!("property=\"{key}\""))
            || tag.contains(&format!("http-equiv=\"{key}\""));
        named.then(|| values(&format!(" {tag}"), "content").pop())?
    })
}

#[test]
fn the_folder_is_a_site_with_an_index_page_a_redirect_and_the_hosts_files() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_report(&out);
    let page = read(&out, PAGE);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert_eq!(meta(&page, "Content-Security-Policy").as_deref(), Some(CSP));

    let redirect = read(&out, REDIRECT);
    assert_eq!(
        meta(&redirect, "refresh").as_deref(),
        Some("0; url=index.html")
    );
    assert_eq!(meta(&redirect, "robots").as_deref(), Some("noindex"));
    assert_eq!(
        meta(&redirect, "Content-Security-Policy").as_deref(),
        Some(CSP)
    );
    assert!(redirect.contains("<a href=\"index.html\">"));

    assert_eq!(fs::read(out.join(NOJEKYLL)).expect("written"), b"");
    let headers = read(&out, HEADERS);
    assert!(
        headers.contains(&format!("/*\n  Content-Security-Policy: {CSP}\n")),
        "{headers}"
    );

    // Every file is listed in results.json, so the next run knows them for its own.
    let results: serde_json::Value =
        serde_json::from_str(&read(&out, RESULTS)).expect("valid JSON");
    for name in [PAGE, REDIRECT, NOJEKYLL, HEADERS] {
        assert!(results["artifacts"][name].is_string(), "{name} not listed");
    }
    assert!(!out.join(SOCIAL_CARD).exists(), "a card nothing refers to");
}

#[test]
fn without_a_site_url_the_page_holds_no_absolute_url() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_report(&out);
    for name in [PAGE, REDIRECT] {
        let html = read(&out, name);
        for attribute in ["href", "src", "content"] {
            for value in values(&html, attribute) {
                // data: URLs (the icon, embedded CSVs) are not addresses of anything.
                assert!(
                    value.starts_with("data:") || !value.contains("://") && !value.starts_with('/'),
                    "{name}: {attribute}=\"{value}\""
                );
            }
        }
        assert!(
            !html.contains("property=\"og:") && !html.contains("rel=\"canonical\""),
            "{name}"
        );
    }
}

#[test]
fn the_head_describes_this_run_and_brings_its_own_icon() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    binary()
        .args([
            "--quiet",
            "--seed",
            "7",
            "--n",
            "60",
            "--lambdas",
            "0.5,3",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let page = read(&out, PAGE);
    let description = meta(&page, "description").expect("a description");
    for part in ["seed 7", "N = 60 points", "λ = 0.5 and 3."] {
        assert!(description.contains(part), "{description}");
    }
    let icons: Vec<_> = page
        .split("<link rel=\"icon\" href=\"")
        .skip(1)
        .map(|rest| decode(&rest[..rest.find('"').unwrap_or(0)]))
        .collect();
    assert_eq!(icons.len(), 1);
    assert!(icons[0].starts_with("data:image/svg+xml,"), "{}", icons[0]);
    assert!(!icons[0].contains(' '), "a space is not valid in a URL");
}

#[test]
fn a_visitor_can_reach_the_results_the_data_and_every_figure() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_report(&out);
    let page = read(&out, PAGE);
    let links: BTreeSet<String> = values(&page, "href")
        .into_iter()
        .filter(|h| !h.starts_with('#') && !h.starts_with("data:"))
        .collect();
    let mut expected: BTreeSet<String> = [RESULTS, "data/fuzzy.csv", "data/separable.csv"]
        .map(String::from)
        .into();
    expected.extend(FIGURES.iter().map(|f| format!("figures/{}", f.file_name)));
    assert_eq!(links, expected);
    for link in &links {
        assert!(out.join(link).is_file(), "{link} is not in the folder");
    }
}

#[test]
fn inline_figures_tables_and_equations_are_marked_up_for_everyone() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_report(&out);
    let page = read(&out, PAGE);

    let ids = values(&page, "id");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an id is used twice");

    // Figure 9 is inlined panel by panel, one SVG per λ; figure 13 as its data and one layer
    // per strength of the path, which are hidden from assistive technology (the numbers beside
    // them say in words what each shows).
    let svgs: Vec<&str> = page.split("<svg ").skip(1).collect();
    let layers = logreg_report::study::path_lambdas().len();
    assert_eq!(svgs.len(), FIGURES.len() - 2 + 3 + 1 + layers);
    let (hidden, svgs): (Vec<&str>, Vec<&str>) = svgs
        .into_iter()
        .partition(|svg| svg.contains("aria-hidden=\"true\""));
    assert_eq!(hidden.len(), layers);
    for svg in svgs {
        let svg = &svg[..svg.find("</svg>").expect("closed")];
        let tag = &svg[..svg.find('>').expect("a tag")];
        assert!(tag.contains("role=\"img\""), "{tag}");
        let named = values(&format!(" {tag}"), "aria-labelledby");
        let named: Vec<&str> = named[0].split_whitespace().collect();
        assert_eq!(named.len(), 2, "{tag}");
        assert!(
            svg.contains(&format!("<title id=\"{}\">", named[0])),
            "{tag}"
        );
        assert!(
            svg.contains(&format!("<desc id=\"{}\">", named[1])),
            "{tag}"
        );
    }

    let tables: Vec<&str> = page.split("<table").skip(1).collect();
    assert_eq!(tables.len(), 4);
    for table in tables {
        let body = &table[table.find('>').expect("a tag") + 1..];
        assert!(body.starts_with("\n<caption>"), "{:.80}", table);
        let table = &table[..table.find("</table>").expect("closed")];
        assert!(table.contains("<thead") && table.contains("<tbody"));
    }
    // The wide table reflows on a phone: each cell names its column.
    let reflow = page
        .split("<table class=\"reflow\"")
        .nth(1)
        .expect("the fits' table reflows");
    let reflow = &reflow[..reflow.find("</table>").expect("closed")];
    assert_eq!(
        reflow.matches("<td").count(),
        reflow.matches(" data-label=\"").count()
    );

    // MathML Core has no bold variant: bold vectors are the mathematical bold letters.
    assert!(!page.contains("mathvariant"));
    assert!(page.contains("<mi>\u{1D430}</mi>"), "a bold w");
    assert!(page.contains("<mi>log</mi><mo rspace=\"0.1667em\">&#x2061;</mo><mi>σ</mi>"));
}

/// The page a reader downloads, figures, data and style included, with a site address.
const PAGE_BUDGET: usize = 300 * 1024;

#[test]
fn the_page_stays_within_its_budget_with_every_section() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_site(&out);
    let page = read(&out, PAGE);
    for id in ["motion", "path", "reading"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(page.len() <= PAGE_BUDGET, "{} bytes", page.len());
}

#[test]
fn print_shows_no_size_without_its_link() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_report(&out);
    let page = read(&out, PAGE);
    // The embedded downloads are hidden in print, links and sizes together.
    let list = page
        .split("<ul class=\"no-print\">")
        .nth(1)
        .expect("the downloads list");
    let list = &list[..list.find("</ul>").expect("closed")];
    assert_eq!(list.matches("inside this page").count(), 2, "{list}");
    let print = &page[page.find("@media print").expect("print styles")..];
    assert!(print[..print.find("\n}").expect("closed")].contains(".no-print { display: none; }"));
}

#[test]
fn with_a_site_url_the_head_has_preview_tags_and_the_card_is_written() {
    let root = tempfile::tempdir().expect("temp dir");
    let (first, second) = (root.path().join("a"), root.path().join("b"));
    write_site(&first);
    write_site(&second);
    assert_eq!(
        files_of(&snapshot(&first)),
        files_of(&snapshot(&second)),
        "two runs differ"
    );

    let page = read(&first, PAGE);
    let site = format!("{SITE}/");
    let card = format!("{site}{SOCIAL_CARD}");
    assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{site}\">")));
    assert_eq!(meta(&page, "og:url"), Some(site.clone()));
    assert_eq!(meta(&page, "og:image"), Some(card));
    assert_eq!(meta(&page, "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta(&page, "og:title").as_deref(),
        Some("Logistic regression fitted by BFGS")
    );
    assert_eq!(meta(&page, "og:description"), meta(&page, "description"));
    assert_eq!(
        meta(&page, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    let redirect = read(&first, REDIRECT);
    assert!(redirect.contains(&format!("<link rel=\"canonical\" href=\"{site}\">")));

    let png = fs::read(first.join(SOCIAL_CARD)).expect("the card is written");
    assert!(png.len() < 400 << 10, "{} bytes", png.len());
    let image = Image::decode_png(&png).expect("a PNG");
    assert_eq!((image.width(), image.height()), (1200, 630));
    let results: serde_json::Value =
        serde_json::from_str(&read(&first, RESULTS)).expect("valid JSON");
    let sha = Sha256::digest(&png);
    let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(results["artifacts"][SOCIAL_CARD], hex.as_str());
}

#[test]
fn check_covers_the_card_and_the_preview_tags() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("site");
    write_site(&out);
    binary()
        .args(["--check", "--quiet", "--site-url", SITE, "--out"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    // Without the address the page changes and the card is no longer written.
    let result = binary()
        .args(["--check", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let listed = String::from_utf8(result.get_output().stdout.clone()).expect("UTF-8");
    for line in [
        "changed  index.html",
        "changed  report.html",
        "removed  social-card.png",
    ] {
        assert!(listed.contains(line), "{listed}");
    }
    // Another run over it removes the card, which the previous run wrote.
    write_report(&out);
    assert!(!out.join(SOCIAL_CARD).exists());
}

#[test]
fn a_bad_site_url_is_refused_with_the_flag_that_gave_it() {
    let root = tempfile::tempdir().expect("temp dir");
    for bad in [
        "example.org/project",
        "ftp://example.org/",
        "https://example.org/?page=1",
    ] {
        let output = binary()
            .args(["--quiet", "--site-url", bad, "--out"])
            .arg(root.path().join("out"))
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let stderr = stderr_of(&output);
        one_line(&stderr);
        assert!(
            stderr.starts_with(&format!(
                "error: --site-url {bad:?} is not a site address: "
            )),
            "{stderr}"
        );
    }
    assert_eq!(fs::read_dir(root.path()).expect("readable").count(), 0);
}

/// A report from before the site layer lists `report.html` as its page; the next run makes
/// it the redirect and adds `index.html`, as it replaces any file a previous run wrote.
#[test]
fn an_old_report_whose_page_was_report_html_is_replaced_cleanly() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    fs::create_dir(&out).expect("writable");
    let old_page = b"<!DOCTYPE html><title>the old page</title>";
    fs::write(out.join("report.html"), old_page).expect("writable");
    fs::write(out.join("CNAME"), "stats.example.org\n").expect("writable");
    let hex: String = Sha256::digest(old_page)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = serde_json::json!({
        "tool": "logreg-report",
        "artifacts": { "report.html": hex },
    });
    fs::write(out.join(RESULTS), manifest.to_string()).expect("writable");
    let output = binary()
        .args(["--quiet", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), "", "no warning");
    assert!(read(&out, REDIRECT).contains("url=index.html"));
    assert!(read(&out, PAGE).contains("<h1>Logistic regression fitted by BFGS</h1>"));
    assert_eq!(read(&out, "CNAME"), "stats.example.org\n");
}

/// A `_headers` of the user's own is never overwritten: the run stops, changes nothing, and
/// says which file is in the way.
#[test]
fn a_users_own_headers_file_stops_the_run_instead_of_being_overwritten() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    let results = read(&out, RESULTS);
    fs::remove_file(out.join(HEADERS)).expect("removable");
    // The user's own, unknown to the manifest.
    let mut manifest: serde_json::Value = serde_json::from_str(&results).expect("JSON");
    manifest["artifacts"]
        .as_object_mut()
        .expect("artifacts")
        .remove(HEADERS);
    fs::write(out.join(RESULTS), manifest.to_string()).expect("writable");
    fs::write(out.join(HEADERS), "/*\n  X-Frame-Options: DENY\n").expect("writable");
    let before = snapshot(&out);
    let output = binary()
        .args(["--quiet", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    one_line(&stderr);
    assert!(
        stderr.contains("_headers") && stderr.contains("move it away"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before);
}

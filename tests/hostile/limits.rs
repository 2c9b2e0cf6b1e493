//! Baselines crafted to crash, exhaust or hang a review: deep and huge SVGs, references that
//! multiply, a PNG whose header lies, JSON of any size and depth, special files and links.
//! Each gets a verdict (the file unreadable, with the reason, or a clear error) in bounded
//! memory, and the baseline is never changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use libtest_mimic::Failed;

use super::support::{binary_path, snapshot};
use super::{Finished, finish, tool};

/// The address the baselines are written for, so that they hold the social card (a PNG).
pub const SITE: &str = "https://example.org/";

/// Peak memory a review may take, whatever the baseline holds.
const MEMORY_BOUND_KIB: i64 = 400 * 1024;

/// A folder holding a report written with [`SITE`], to copy baselines from.
pub struct Template {
    dir: tempfile::TempDir,
}

impl Template {
    pub fn new() -> Result<Template, Failed> {
        let dir = tempfile::tempdir()?;
        let status = Command::new(binary_path())
            .args(["--quiet", "--site-url", SITE, "--out"])
            .arg(dir.path().join("output"))
            .status()?;
        if !status.success() {
            return Err("the template report could not be written".into());
        }
        Ok(Template { dir })
    }

    /// The template's copy of a file of the report.
    pub fn file(&self, relative: &str) -> Result<Vec<u8>, Failed> {
        Ok(fs::read(self.dir.path().join("output").join(relative))?)
    }

    /// A new folder with a copy of the report in `output/`.
    pub fn copy(&self) -> Result<tempfile::TempDir, Failed> {
        let dir = tempfile::tempdir()?;
        copy_tree(&self.dir.path().join("output"), &dir.path().join("output"))?;
        Ok(dir)
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// `review` of `dir/output` into `dir/review`, and `--check` of it: both end with a
/// verdict, in bounded memory, and leave everything but the review folder as it was.
pub fn review_and_check(dir: &Path, what: &str) -> Result<[Finished; 2], Failed> {
    let before = snapshot(dir);
    let unchanged = |by: &str| {
        let mut after = snapshot(dir);
        after.retain(|path, _| !path.starts_with("review"));
        if after == before {
            Ok(())
        } else {
            Err(Failed::from(format!(
                "{by} of {what}: something beside review/ changed"
            )))
        }
    };
    let mut review = tool(dir);
    review.args(["review", "--site-url", SITE, "--baseline", "output"]);
    review.args(["--review-dir", "review"]);
    let reviewed = finish(review, Duration::from_secs(120))?;
    reviewed.assert_verdict(&format!("review of {what}"))?;
    unchanged("review")?;
    let mut check = tool(dir);
    check.args(["--check", "--site-url", SITE, "--out", "output"]);
    let checked = finish(check, Duration::from_secs(120))?;
    checked.assert_verdict(&format!("--check of {what}"))?;
    unchanged("--check")?;
    for finished in [&reviewed, &checked] {
        if finished.max_rss_kib > MEMORY_BOUND_KIB {
            return Err(format!(
                "{what}: peak memory {} MiB, over the bound",
                finished.max_rss_kib / 1024
            )
            .into());
        }
    }
    Ok([reviewed, checked])
}

/// An SVG with `depth` nested groups around one shape.
fn nested(depth: usize) -> Vec<u8> {
    let mut svg =
        String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">"#);
    svg.push_str(&"<g>".repeat(depth));
    svg.push_str(r#"<rect width="5" height="5"/>"#);
    svg.push_str(&"</g>".repeat(depth));
    svg.push_str("</svg>");
    svg.into_bytes()
}

/// Writes an 800x600 SVG of `count` small shapes to `path`, piece by piece.
fn many_shapes(path: &Path, count: usize) -> std::io::Result<()> {
    use std::io::Write;
    let mut svg = std::io::BufWriter::new(fs::File::create(path)?);
    write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">"#
    )?;
    for k in 0..count {
        let (x, y) = (k % 800, (k / 800) % 600);
        write!(
            svg,
            r#"<rect x="{x}" y="{y}" width="3" height="3" fill="red"/>"#
        )?;
    }
    write!(svg, "</svg>")?;
    svg.flush()
}

/// The PNG's header claiming `width` by `height` pixels, its checksum made to match.
pub fn lying_png(png: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut png = png.to_vec();
    // Signature (8), length (4), "IHDR" (4), then width and height; the checksum covers the
    // type and the 13 data bytes.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// What a baseline file is replaced with: bytes made only when the case runs, so that this
/// test's own memory stays small (see [`Finished::max_rss_kib`]).
enum Put {
    Bytes(Box<dyn Fn() -> Vec<u8>>),
    /// An SVG of this many shapes.
    Shapes(usize),
    Fifo,
    Link(PathBuf),
    Folder,
}

fn bytes(make: impl Fn() -> Vec<u8> + 'static) -> Put {
    Put::Bytes(Box::new(make))
}

fn laughs() -> Vec<u8> {
    let mut svg = String::from(r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol">"#);
    for k in 1..10u8 {
        let (prev, next) = ((b'a' + k - 1) as char, (b'a' + k) as char);
        svg.push_str(&format!(
            "<!ENTITY {next} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    svg.push_str(r#"]><svg xmlns="http://www.w3.org/2000/svg"><text>&j;</text></svg>"#);
    svg.into_bytes()
}

/// Groups that each use the one before twice: 2^39 shapes if references were followed.
fn uses() -> Vec<u8> {
    let mut svg = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><g id="l0"><rect width="1" height="1"/></g>"#,
    );
    for k in 1..40 {
        let p = k - 1;
        svg.push_str(&format!(
            r##"<g id="l{k}"><use href="#l{p}"/><use href="#l{p}"/></g>"##
        ));
    }
    svg.push_str("</svg>");
    svg.into_bytes()
}

fn wide_json() -> Vec<u8> {
    let values: Vec<String> = (0..1_000_000).map(|k| k.to_string()).collect();
    format!(
        "{{\"tool\":\"logreg-report\",\"x\":[{}]}}",
        values.join(",")
    )
    .into_bytes()
}

/// Every hostile file a baseline may hold, with what it is and where it stands: built from
/// `template`'s own social card and page where it is one of them, damaged.
fn hostile_files(template: &Template) -> Result<Vec<(&'static str, &'static str, Put)>, Failed> {
    let png = template.file("social-card.png")?;
    let (png1, png2) = (png.clone(), png);
    let mut cases: Vec<(&str, &str, Put)> = vec![
        (
            "5 000 nested groups",
            "figures/sigmoid.svg",
            bytes(|| nested(5_000)),
        ),
        (
            "200 000 nested groups",
            "figures/sigmoid.svg",
            bytes(|| nested(200_000)),
        ),
        ("a 60 MB SVG", "figures/fuzzy.svg", Put::Shapes(1_000_000)),
        (
            "70 000 shapes, under the size limit",
            "figures/fuzzy.svg",
            Put::Shapes(70_000),
        ),
        (
            "a canvas of 4e10 pixels",
            "figures/sigmoid.svg",
            bytes(|| {
                br#"<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect width="9" height="9"/></svg>"#.to_vec()
            }),
        ),
        (
            "entities that multiply",
            "figures/sigmoid.svg",
            bytes(laughs),
        ),
        // Each declaration is looked at alone: a scan to the end from each would never end.
        (
            "a million declarations",
            "figures/sigmoid.svg",
            bytes(|| {
                let mut svg = br#"<svg xmlns="http://www.w3.org/2000/svg">"#.to_vec();
                svg.extend(b"<!a>".repeat(1_000_000));
                svg.extend(b"</svg>");
                svg
            }),
        ),
        (
            "references that multiply",
            "figures/sigmoid.svg",
            bytes(uses),
        ),
        (
            "a PNG claiming 100 000 x 100 000",
            "social-card.png",
            bytes(move || lying_png(&png1, 100_000, 100_000)),
        ),
        (
            "a PNG claiming 1 x 1",
            "social-card.png",
            bytes(move || lying_png(&png2, 1, 1)),
        ),
        (
            "a 20 MB PNG",
            "social-card.png",
            bytes(|| vec![0x89; 20 << 20]),
        ),
    ];
    cases.extend(hostile_pages_and_places(template.file("index.html")?));
    Ok(cases)
}

/// The hostile JSON, pages, CSV and things other than files; `page` is the report's page.
fn hostile_pages_and_places(page: Vec<u8>) -> Vec<(&'static str, &'static str, Put)> {
    vec![
        (
            "a JSON nested a million deep",
            "results.json",
            bytes(|| b"[".repeat(1_000_000)),
        ),
        (
            "a JSON of a million values",
            "results.json",
            bytes(wide_json),
        ),
        (
            "a page of 15 MB",
            "index.html",
            bytes(move || {
                let mut big = page.clone();
                while big.len() < 15 << 20 {
                    big.extend_from_slice(b"<p>1 2 3 4 5 6 7 8 9 0 a b c d e f</p>\n");
                }
                big
            }),
        ),
        // The page's text is read by a tokenizer, in one pass: none of these is read twice.
        (
            "a page of unclosed tags",
            "index.html",
            bytes(|| b"<a \"".repeat((15 << 20) / 4)),
        ),
        (
            "a page of ampersands",
            "index.html",
            bytes(|| b"&".repeat(15 << 20)),
        ),
        (
            "a page of opened scripts",
            "index.html",
            bytes(|| b"<script><style><svg><!--".repeat((15 << 20) / 24)),
        ),
        (
            "a CSV of 10 MB",
            "data/fuzzy.csv",
            bytes(|| b"1,2,3\n".repeat((10 << 20) / 6)),
        ),
        ("a FIFO", "figures/sigmoid.svg", Put::Fifo),
        (
            "a link to /dev/zero",
            "figures/sigmoid.svg",
            Put::Link("/dev/zero".into()),
        ),
        (
            "a link to /dev/zero as the page",
            "index.html",
            Put::Link("/dev/zero".into()),
        ),
        ("a folder", "figures/sigmoid.svg", Put::Folder),
        ("a link to a folder", "data", Put::Link("/usr".into())),
    ]
}

pub fn hostile_baselines() -> Result<(), Failed> {
    let template = Template::new()?;
    let mut peaks = Vec::new();
    for (what, file, put) in hostile_files(&template)? {
        let dir = template.copy()?;
        let path = dir.path().join("output").join(file);
        if path.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
        match put {
            Put::Bytes(make) => fs::write(&path, make())?,
            Put::Shapes(count) => many_shapes(&path, count)?,
            Put::Fifo => rustix::fs::mkfifoat(
                rustix::fs::CWD,
                &path,
                rustix::fs::Mode::from_raw_mode(0o644),
            )?,
            Put::Link(target) => std::os::unix::fs::symlink(target, &path)?,
            Put::Folder => fs::create_dir(&path)?,
        }
        let [reviewed, checked] = review_and_check(dir.path(), what)?;
        if reviewed.code != Some(2) && !reviewed.stdout.contains(file) {
            return Err(format!(
                "{what}: the review does not name {file}: {}",
                reviewed.stdout
            )
            .into());
        }
        // The run refuses the link by name; review and --check say what it means for the
        // files behind it.
        let says = "data/fuzzy.csv: data is a symbolic link, not a folder";
        if file == "data" && !(reviewed.stdout.contains(says) && checked.stdout.contains(says)) {
            return Err(format!("{what}: {:?} not said: {}", says, reviewed.stdout).into());
        }
        if checked.code == Some(0) {
            return Err(format!("{what}: --check calls a changed report up to date").into());
        }
        peaks.push(format!("{what}: {} MiB", reviewed.max_rss_kib / 1024));
    }
    eprintln!("peak memory of each review: {}", peaks.join("; "));
    Ok(())
}

/// An SVG of `side` by `side` pixels holding `count` rectangles of pseudo-random places and
/// colours: a drawing whose PNG does not compress.
fn noisy_figure(side: u32, count: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    let mut svg =
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}">"#);
    for _ in 0..count {
        let (x, y, w, h) = (
            next() % side,
            next() % side,
            1 + next() % 24,
            1 + next() % 24,
        );
        let colour = next() & 0xFF_FFFF;
        svg.push_str(&format!(
            r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#{colour:06x}"/>"##
        ));
    }
    svg.push_str("</svg>");
    svg.into_bytes()
}

/// A baseline whose manifest lists thirty more large figures of its own, each as noisy as a
/// drawing gets: every one gets its verdict (it is not in the run: removed), and the review
/// stays within the memory bound, keeping images only up to its limit.
pub fn many_large_figures() -> Result<(), Failed> {
    let template = Template::new()?;
    let dir = template.copy()?;
    let output = dir.path().join("output");
    let results = output.join("results.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&results)?)?;
    for k in 0..30 {
        let name = format!("figures/extra-{k}.svg");
        fs::write(output.join(&name), noisy_figure(2000, 40_000, k))?;
        record["artifacts"][&name] = serde_json::json!("0".repeat(64));
    }
    fs::write(&results, serde_json::to_vec_pretty(&record)?)?;
    let [reviewed, _] = review_and_check(dir.path(), "thirty large figures")?;
    if reviewed.code != Some(1) || !reviewed.stdout.contains("removed    figures/extra-29.svg") {
        return Err(format!("thirty large figures: {}", reviewed.stdout).into());
    }
    eprintln!(
        "peak memory of a review of thirty large figures: {} MiB",
        reviewed.max_rss_kib / 1024
    );
    Ok(())
}

/// A marker that lists more files than a report has: refused as a whole, never acted on file
/// by file, in bounded time and memory.
pub fn a_manifest_of_thousands_of_files() -> Result<(), Failed> {
    let template = Template::new()?;
    let dir = template.copy()?;
    let output = dir.path().join("output");
    let results = output.join("results.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&results)?)?;
    fs::create_dir(output.join("many"))?;
    for k in 0..2000 {
        let name = format!("many/{k}.txt");
        fs::write(output.join(&name), k.to_string())?;
        record["artifacts"][&name] = serde_json::json!("0".repeat(64));
    }
    fs::write(&results, serde_json::to_vec_pretty(&record)?)?;
    let [reviewed, checked] = review_and_check(dir.path(), "a manifest of 2000 files")?;
    for (what, finished) in [("review", &reviewed), ("--check", &checked)] {
        let said = format!("{}{}", finished.stdout, finished.stderr);
        if !said.contains("files, more than the 1000 a report of this tool has") {
            return Err(format!("{what}: {said}").into());
        }
    }
    Ok(())
}

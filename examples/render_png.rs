//! Renders the figures of a default study to SVG and PNG in a directory, for looking at
//! them beside the originals: `cargo run --release --example render_png -- out/`.

use std::path::PathBuf;

use logreg_report::figures::render_all;
use logreg_report::raster::Renderer;
use logreg_report::study::{StudyConfig, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "out".into()));
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(100);
    std::fs::create_dir_all(&dir)?;
    let study = run(&StudyConfig {
        n,
        ..StudyConfig::default()
    })?;
    // The project's one pinned renderer: bundled DejaVu Sans only, the same pixels everywhere.
    let renderer = Renderer::new();
    for figure in render_all(&study)? {
        let path = dir.join(figure.file_name);
        std::fs::write(&path, &figure.svg)?;
        let image = renderer.render(&figure.svg, 1.0)?;
        std::fs::write(path.with_extension("png"), image.encode_png()?)?;
        println!("{:>20} {:>6} bytes", figure.file_name, figure.svg.len());
    }
    Ok(())
}

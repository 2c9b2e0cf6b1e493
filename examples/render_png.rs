//! Renders the nine figures of a default study to SVG and PNG in a directory, for looking at
//! them beside the originals: `cargo run --release --example render_png -- out/`.

use std::path::PathBuf;

use logreg_report::figures::render_all;
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
    let mut options = resvg::usvg::Options::default();
    // A bundled font keeps the rasters the same on every machine.
    options
        .fontdb_mut()
        .load_font_data(dejavu::sans::regular().to_vec());
    options.font_family = "DejaVu Sans".into();
    options.fontdb_mut().set_sans_serif_family("DejaVu Sans");
    for figure in render_all(&study)? {
        let path = dir.join(figure.file_name);
        std::fs::write(&path, &figure.svg)?;
        let tree = resvg::usvg::Tree::from_str(&figure.svg, &options)?;
        let size = tree.size().to_int_size();
        let mut pixmap =
            resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty figure")?;
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        pixmap.save_png(path.with_extension("png"))?;
        println!("{:>20} {:>6} bytes", figure.file_name, figure.svg.len());
    }
    Ok(())
}

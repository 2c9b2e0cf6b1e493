//! `logreg-report`: a study of logistic regression fitted by BFGS, and the self-contained
//! HTML report that shows it.
//!
//! The numbers flow one way: [`data`] draws the seeded data sets, [`model`] evaluates the
//! regularised loss, its gradient and Hessian in fused passes, [`reference`](mod@reference) differentiates
//! the plain formula independently for the gradient check, [`fit`] runs BFGS (argmin) and
//! reports success only where the exact Newton step certifies it, [`newton`] cross-checks
//! every fit with Newton's method from the same start, and [`study`] runs the experiments in
//! the order of the report.
//! [`figures`] draws the thirteen figures as SVG, and [`report`] fills the page template and
//! writes the output folder atomically. [`config`] is where user input is validated.
//! [`review`] compares a fresh run with a baseline report: bytes, pixels, numbers and page
//! text, with a page that shows each change.
//!
//! ```
//! use logreg_report::study::{self, StudyConfig};
//!
//! let study = study::run(&StudyConfig { n: 40, ..StudyConfig::default() })?;
//! let fit = &study.fuzzy_fit;
//! assert!(fit.result.success());
//! // Newton's method on the exact Hessian, from the same start, agrees with BFGS.
//! assert!(fit.newton.distance.is_some_and(|d| d < 1e-6));
//! // Without a penalty the separable data have no best weights, and the fit says so.
//! assert_eq!(study.separable_fits[0].lambda, 0.0);
//! assert_eq!(study.separable_fits[0].result.status.code(), 4);
//! # Ok::<(), logreg_report::Error>(())
//! ```
#![warn(missing_docs)]

#[cfg(not(unix))]
compile_error!(
    "logreg-report runs on Unix-like systems: it writes through folder handles (openat and friends)"
);

pub mod budget;
pub mod config;
pub mod data;
pub mod descent;
pub mod error;
pub mod fastmath;
pub mod figures;
pub mod fit;
pub mod linalg;
pub mod markup;
pub mod memory;
pub mod model;
pub mod newton;
pub mod numbers;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod project;
pub mod raster;
pub mod reference;
pub mod report;
pub mod review;
pub mod study;

pub use data::Dataset;
pub use error::{Error, Result};
pub use fit::{FitResult, GradientCheck, Status};
pub use model::{LogisticObjective, Objective};
pub use study::OptimizerDemo;

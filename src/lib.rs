//! `logreg-report`: a study of logistic regression fitted by BFGS, and the self-contained
//! HTML report that shows it.
//!
//! The numbers flow one way: [`data`] draws the seeded data sets, [`model`] evaluates the
//! regularised loss, its gradient and Hessian in fused passes, [`fit`] runs BFGS (argmin)
//! under a documented stopping rule, [`newton`] cross-checks every regularised fit with
//! Newton's method, and [`study`] runs the experiments in the order of the report.
//! [`figures`] draws the nine figures as SVG, and [`report`] fills the page template and
//! writes the output folder atomically. [`config`] is where user input is validated.
//!
//! ```
//! use logreg_report::study::{self, StudyConfig};
//!
//! let study = study::run(&StudyConfig { n: 40, ..StudyConfig::default() })?;
//! let fit = &study.fuzzy_fit;
//! assert!(fit.result.success());
//! // Newton's method on the exact Hessian agrees with BFGS.
//! assert!(fit.newton.as_ref().map_or(false, |n| n.distance < 1e-6));
//! # Ok::<(), logreg_report::Error>(())
//! ```
#![warn(missing_docs)]

pub mod config;
pub mod data;
pub mod error;
pub mod fastmath;
pub mod figures;
pub mod fit;
pub mod memory;
pub mod model;
pub mod newton;
pub mod numbers;
pub mod output;
pub mod progress;
pub mod raster;
pub mod report;
pub mod study;

pub use data::Dataset;
pub use error::{Error, Result};
pub use fit::{FitResult, GradientCheck, Status};
pub use model::{LogisticObjective, Objective, OptimizerDemo};

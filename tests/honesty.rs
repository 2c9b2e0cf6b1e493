//! A fit that did not reach its optimum says so, in results.json and on the page.

use logreg_report::config::Config;
use logreg_report::output::artifact::materialise;
use logreg_report::pipeline::{self, Report};
use logreg_report::progress::Progress;
use logreg_report::report::{PAGE, RESULTS};
use logreg_report::study::{DEFAULT_N, DEFAULT_SEED};
use serde_json::Value;

/// Collects warnings instead of printing them.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Progress for Warnings {
    fn warn(&mut self, message: &str) {
        self.0.push(message.to_string());
    }
}

fn generate(lambdas: &str, max_iterations: Option<u64>) -> (Report, Vec<String>) {
    let mut config = Config::new(
        DEFAULT_SEED,
        DEFAULT_N,
        lambdas,
        "unused".into(),
        crate::support::built_in_template(),
    )
    .expect("valid settings");
    config.study.max_iterations = max_iterations;
    let mut warnings = Warnings::default();
    let report = pipeline::generate(&config, &mut warnings).expect("the report builds");
    (report, warnings.0)
}

fn artifact(report: &Report, path: &str) -> Vec<u8> {
    materialise(&report.artifacts)
        .expect("the files are made")
        .into_iter()
        .find(|(p, _)| p == path)
        .expect("the artifact exists")
        .1
}

fn page(report: &Report) -> String {
    String::from_utf8(artifact(report, PAGE)).expect("UTF-8")
}

fn results(report: &Report) -> Value {
    serde_json::from_slice(&artifact(report, RESULTS)).expect("valid JSON")
}

/// The text of the page's `<section id="…">`.
fn section<'p>(page: &'p str, id: &str) -> &'p str {
    let start = page
        .find(&format!("<section id=\"{id}\""))
        .expect("the section exists");
    let end = page[start..].find("</section>").expect("the section ends");
    &page[start..start + end]
}

#[test]
fn an_iteration_limit_of_two_is_a_visible_failure() {
    let (report, warnings) = generate("0,0.1,10", Some(2));
    let json = results(&report);
    let fits = json["fits"].as_array().expect("fits");
    assert_eq!(fits.len(), 4);
    for fit in fits {
        assert_eq!(fit["success"], false, "{fit}");
        assert_eq!(fit["max_iterations"], 2);
        assert!(fit["nit"].as_u64().expect("nit") <= 2);
        let message = fit["message"].as_str().expect("message");
        assert!(!message.contains("Converged"), "{message}");
    }
    let fuzzy = &fits[0];
    assert_eq!(fuzzy["dataset"], "fuzzy");
    assert_eq!(fuzzy["status"], 1);
    assert!(
        fuzzy["message"]
            .as_str()
            .expect("message")
            .starts_with("Stopped: the iteration limit (2) was reached; the exact Newton step"),
        "{}",
        fuzzy["message"]
    );
    // Newton's cross-check has its own limit and converges regardless; it shows how far off
    // the stopped fit is.
    assert_eq!(fuzzy["newton"]["success"], true);
    assert!(fuzzy["newton"]["distance"].as_f64().expect("a distance") > 1e-3);
    // A failed fit is no contradiction to warn about: it claims nothing.
    assert!(warnings.is_empty(), "{warnings:?}");

    let page = page(&report);
    let fit = section(&page, "fit");
    assert!(
        fit.contains(
            "<tr><th scope=\"row\">status</th><td class=\"num\">1 (iteration limit)</td></tr>"
        ),
        "{fit}"
    );
    assert!(fit.contains("<tr><th scope=\"row\">success</th><td class=\"num\">false</td></tr>"));
    assert!(fit.contains("Stopped: the iteration limit (2) was reached"));
    assert!(!fit.contains("Converged:"));
    let regularisation = section(&page, "regularisation");
    assert!(!regularisation.contains("Converged"), "{regularisation}");
    assert!(!regularisation.contains("(converged)"), "{regularisation}");
    assert!(
        regularisation.contains("(iteration limit)"),
        "{regularisation}"
    );
    // The prose claims no certified fits that the run did not produce.
    assert!(!regularisation.contains("For each of them BFGS certified its answer"));
    assert!(
        regularisation.contains("for 0 of these 2 fits"),
        "{regularisation}"
    );
}

#[test]
fn an_unbounded_fit_reads_as_no_minimum_on_the_page() {
    let (report, warnings) = generate("0,1e-12,1e-9,1e-6", None);
    assert!(warnings.is_empty(), "{warnings:?}");
    let json = results(&report);
    let unbounded = &json["fits"][1];
    assert_eq!(unbounded["lambda"], 0.0);
    assert_eq!(unbounded["status"], 4);
    assert_eq!(unbounded["success"], false);
    assert_eq!(unbounded["distance_estimate"], Value::Null);
    assert_eq!(unbounded["newton"]["status"], 4);
    assert_eq!(unbounded["newton"]["distance"], Value::Null);
    let message = unbounded["message"].as_str().expect("message");
    assert!(
        message.starts_with(
            "The data are separable: the loss has no minimum; the weights grew to ‖w‖ = "
        ),
        "{message}"
    );
    for fit in &json["fits"].as_array().expect("fits")[2..] {
        // λ ≥ 1e−6 must converge; below, success is allowed only with a certificate.
        if fit["lambda"].as_f64() >= Some(1e-6) {
            assert_eq!(fit["success"], true, "{fit}");
        }
        if fit["success"] == true {
            let estimate = fit["distance_estimate"].as_f64().expect("an estimate");
            assert!(estimate <= fit["distance_tolerance"].as_f64().expect("a tolerance"));
            let distance = fit["newton"]["distance"]
                .as_f64()
                .expect("Newton converged");
            let scale = fit["newton"]["x"]
                .as_array()
                .expect("x")
                .iter()
                .map(|v| v.as_f64().expect("a number").abs())
                .fold(1.0f64, f64::max);
            assert!(distance <= 1e-6 * scale, "{fit}");
        }
    }

    let page = page(&report);
    let regularisation = section(&page, "regularisation");
    assert!(
        regularisation.contains("data-label=\"status\">4 (no minimum)</td>"),
        "{regularisation}"
    );
    assert!(
        regularisation.contains("data-label=\"Newton from w0\">4 (no minimum)</td></tr>"),
        "{regularisation}"
    );
    assert!(regularisation.contains("λ = 0: The data are separable: the loss has no minimum"));
    assert!(regularisation.contains("so the fit reports status 4 and no success"));
    assert!(regularisation.contains("Newton's method from w0 came to the same verdict on its own"));
    assert!(!regularisation.contains(
        "data-label=\"status\">0 (converged)</td><td class=\"num\" role=\"cell\" \
         data-label=\"distance estimate\">—"
    ));
}

/// The iterates of one fit or cross-check, as `results.json` keeps them, checked against the
/// fit's own numbers: they run from `w0` to `x`, one per iteration, with the passes counted so
/// far never falling and never above the fit's; `what` names the fit in failures.
fn check_iterates(what: &str, iterates: &Value, w0: &Value, x: &Value, nit: &Value, nfev: &Value) {
    let list = iterates.as_array().expect("a list of iterates");
    let nit = nit.as_u64().expect("nit");
    assert_eq!(
        list.len() as u64,
        nit + 1,
        "{what}: one iterate per iteration and the start"
    );
    assert_eq!(&list[0]["w"], w0, "{what}: the first iterate is the start");
    assert_eq!(list[0]["step"], 0.0, "{what}");
    assert_eq!(
        &list[list.len() - 1]["w"],
        x,
        "{what}: the last iterate is the answer"
    );
    let passes: Vec<u64> = list
        .iter()
        .map(|i| i["passes"].as_u64().expect("passes"))
        .collect();
    assert!(
        passes.windows(2).all(|p| p[0] <= p[1]),
        "{what}: {passes:?}"
    );
    assert!(
        passes[passes.len() - 1] <= nfev.as_u64().expect("nfev"),
        "{what}: {passes:?}"
    );
    for pair in list.windows(2) {
        let moved: f64 = (0..3)
            .map(|k| {
                pair[1]["w"][k].as_f64().unwrap_or(f64::NAN)
                    - pair[0]["w"][k].as_f64().unwrap_or(f64::NAN)
            })
            .map(|d| d * d)
            .sum::<f64>()
            .sqrt();
        let step = pair[1]["step"].as_f64().expect("a step length");
        assert!(
            (moved - step).abs() <= 1e-12 * moved.max(1.0),
            "{what}: {moved} against {step}"
        );
        // E falls at every step, but for its rounding: Newton's last step may be taken
        // below E's resolution, where the value can come out an ulp or two higher.
        let (before, after) = (pair[0]["E"].as_f64(), pair[1]["E"].as_f64());
        let (Some(before), Some(after)) = (before, after) else {
            panic!("{what}: E is not a number: {pair:?}");
        };
        assert!(
            after <= before + 16.0 * f64::EPSILON * before.abs(),
            "{what}: E rose from {before} to {after}"
        );
    }
}

/// [`check_iterates`] for a fit of `results.json` and for its Newton cross-check, both from
/// the fit's `w0`.
fn check_fit_iterates(what: &str, fit: &Value) {
    let w0 = &fit["w0"];
    check_iterates(
        what,
        &fit["iterates"],
        w0,
        &fit["x"],
        &fit["nit"],
        &fit["nfev"],
    );
    let newton = &fit["newton"];
    let what = format!("Newton on {what}");
    let (x, nit, nfev) = (&newton["x"], &newton["nit"], &newton["nfev"]);
    check_iterates(&what, &newton["iterates"], w0, x, nit, nfev);
}

#[test]
fn every_fit_keeps_its_iterates_from_the_start_to_its_answer() {
    let (report, _) = generate("0,0.1,10", None);
    let written = results(&report);
    let fits = written["fits"].as_array().expect("the fits");
    assert_eq!(fits.len(), 4);
    for fit in fits {
        check_fit_iterates(&format!("{} λ = {}", fit["dataset"], fit["lambda"]), fit);
    }
    // Capped: an iteration limit of 2 keeps three iterates.
    let (report, _) = generate("0.1", Some(2));
    let fit = &results(&report)["fits"][0];
    assert_eq!(fit["iterates"].as_array().map(Vec::len), Some(3));
}

/// The path's fits are warm-started in order, certified like the run's fits, and say so.
#[test]
fn the_path_is_warm_started_certified_and_agrees_with_the_fits_from_w0() {
    let (report, _) = generate("0,0.1,10", None);
    let written = results(&report);
    let path = written["path"].as_array().expect("the path");
    let lambdas: Vec<f64> = path.iter().map(|f| f["lambda"].as_f64().unwrap()).collect();
    let grid = logreg_report::study::path_lambdas();
    assert_eq!(lambdas.len(), grid.len());
    assert_eq!(lambdas[0], 0.0);
    assert_eq!((lambdas[1], lambdas[lambdas.len() - 1]), (1e-3, 1e3));
    assert!(lambdas.windows(2).all(|p| p[0] < p[1]), "{lambdas:?}");
    for (k, fit) in path.iter().enumerate() {
        let what = format!("path λ = {}", fit["lambda"]);
        check_fit_iterates(&what, fit);
        // Each starts where the fit at the next larger λ ended; the largest from w0.
        let start = match path.get(k + 1) {
            Some(larger) => &larger["x"],
            None => &written["fits"][0]["w0"],
        };
        assert_eq!(&fit["w0"], start, "{what}");
        let lambda = fit["lambda"].as_f64().unwrap();
        let success = fit["success"].as_bool().unwrap();
        // Without a penalty separable data have no minimum; with one, every fit is confirmed.
        assert_eq!(success, lambda > 0.0, "{what}");
        assert_eq!(
            fit["newton"]["success"].as_bool(),
            Some(lambda > 0.0),
            "{what}"
        );
        // Where the run fitted the same λ from w0, the warm start found the same optimum.
        let same = written["fits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["dataset"] == "separable" && f["lambda"] == fit["lambda"]);
        if let (Some(from_w0), true) = (same, success) {
            for i in 0..3 {
                let (a, b) = (
                    fit["x"][i].as_f64().unwrap(),
                    from_w0["x"][i].as_f64().unwrap(),
                );
                assert!(
                    (a - b).abs() <= 2e-6 * a.abs().max(1.0),
                    "{what}: x[{i}] {a} vs {b}"
                );
            }
        }
    }
    // The run counts the path's passes and gradient descent's in its total.
    let passes = &written["passes"];
    let part = |name: &str| -> u64 {
        let p = &passes[name];
        p.as_u64().unwrap_or_else(|| {
            ["value", "gradient", "hessian"]
                .iter()
                .map(|k| p[*k].as_u64().unwrap())
                .sum()
        })
    };
    let parts: u64 = [
        "fits",
        "path",
        "gradient_descent",
        "gradient_check_reference",
        "loss_curve",
    ]
    .iter()
    .map(|name| part(name))
    .sum();
    assert_eq!(passes["total"].as_u64(), Some(parts));
}

/// Gradient descent keeps its record like the fits, and claims success only with the fits'
/// certificate; capped by the iteration limit it says so.
#[test]
fn gradient_descent_is_recorded_and_claims_only_what_it_certified() {
    use logreg_report::data::{Dataset, study_rng};
    use logreg_report::descent::gradient_descent;
    use logreg_report::model::{Lambda, LogisticObjective};
    let (report, _) = generate("0.1", None);
    let written = results(&report);
    let gd = &written["gradient_descent"];
    check_iterates(
        "gradient descent",
        &gd["iterates"],
        &gd["w0"],
        &gd["x"],
        &gd["nit"],
        &gd["nfev"],
    );
    assert!(gd["nit"].as_u64().unwrap() <= gd["max_iterations"].as_u64().unwrap());
    assert_eq!(gd["success"].as_bool(), Some(gd["status"] == 0));
    let data = Dataset::fuzzy(DEFAULT_N, &mut study_rng(DEFAULT_SEED)).unwrap();
    let objective = LogisticObjective::new(&data, Lambda::new(0.1).unwrap());
    let capped = gradient_descent(&objective, [2.0, 1.5, -2.0], 3).unwrap();
    assert_eq!((capped.nit, capped.status.code()), (3, 1));
    assert_eq!(capped.iterates.len(), 4);
    // Strictly downhill: every accepted step met Armijo's rule.
    assert!(capped.iterates.windows(2).all(|p| p[1].fun < p[0].fun));
}

/// Figure 10 measures distances to the optimum Newton's method certified, and draws nothing
/// when no optimum was certified.
#[test]
fn convergence_is_measured_only_from_a_certified_optimum() {
    use logreg_report::study::{self, Convergence, StudyConfig};
    let run = study::run(&StudyConfig::default()).unwrap();
    let Convergence::Certified { optimum, traces } = &run.views.convergence else {
        panic!("the default fuzzy fit is certified");
    };
    assert_eq!(*optimum, run.fuzzy_fit.newton.result.x);
    let gd = &traces[2];
    assert_eq!(gd.iterations, run.descent.nit);
    let first = &run.descent.iterates[0].w;
    let d: f64 = (0..3)
        .map(|k| (first[k] - optimum[k]).powi(2))
        .sum::<f64>()
        .sqrt();
    assert_eq!(gd.points[0].0, 0);
    assert!(
        (gd.points[0].1 - d).abs() <= 1e-15 * d,
        "{:?} vs {d}",
        gd.points[0]
    );
    // With two iterations nothing is certified, and the figure says so instead of drawing.
    let capped = study::run(&StudyConfig {
        max_iterations: Some(2),
        ..StudyConfig::default()
    })
    .unwrap();
    assert!(matches!(
        capped.views.convergence,
        Convergence::Uncertified(_)
    ));
    let svg = logreg_report::figures::render_all(&capped)
        .unwrap()
        .into_iter()
        .find(|f| f.file_name == "convergence.svg")
        .unwrap()
        .svg;
    assert!(svg.contains("No certified optimum") && !svg.contains("class=\"series\""));
}

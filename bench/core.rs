//! Benchmarks of the numerical core on the fuzzy data with the study's λ and w0: one
//! value+gradient pass at N = 10⁶ and 10⁷ (fused on one and on all threads, and the plain
//! formula as a baseline), and whole fits with `fit_logistic`.
//!
//!     cargo bench --bench core
//!
//! Every number printed is a median of runs made here, and every ratio divides two medians
//! of this run: ours by the plain formula, and ours by NumPy/SciPy when `python3` (or
//! `$PYTHON`) imports them. `bench/python_core.py` then works on the very same data (written
//! to a temporary folder), and its timings alternate with ours one by one, so that a busy
//! neighbour on the machine slows both sides alike.

use std::error::Error;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use logreg_report::data::study_rng;
use logreg_report::study::{DatasetName, FUZZY_LAMBDA, LogisticFit, W0, fit_logistic};
use logreg_report::{Dataset, LogisticObjective, Objective};
use rayon::prelude::*;
use serde_json::{Value, json};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// A problem size and how many timed rounds each kind of work gets there (more where a run
/// is short, so that the medians settle; fewer where SciPy's fit takes seconds).
struct Size {
    n: usize,
    label: &'static str,
    pass_rounds: usize,
    fit_rounds: usize,
}

const SIZES: [Size; 2] = [
    Size {
        n: 1_000_000,
        label: "1e6",
        pass_rounds: 31,
        fit_rounds: 9,
    },
    Size {
        n: 10_000_000,
        label: "1e7",
        pass_rounds: 11,
        fit_rounds: 3,
    },
];

/// Pauses at each switch between Python and us, so that one side's idle threads are asleep
/// before the other is timed: NumPy's OpenBLAS threads spin for 0.1 s after each call (here,
/// 0.1 s of process CPU time during any longer sleep after `x @ w` at N = 1e7), which on two
/// cores would be timed against us; rayon's workers spin for far less than a millisecond.
const AFTER_PYTHON: Duration = Duration::from_millis(150);
const BEFORE_PYTHON: Duration = Duration::from_millis(10);

/// Timings of one kind of work. The first is a warm-up (page faults, thread start-up, caches)
/// and does not count.
#[derive(Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn time<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = black_box(work());
        self.0.push(start.elapsed().as_secs_f64());
        out
    }

    fn median(&self) -> Option<f64> {
        let mut counted = self.0.get(1..)?.to_vec();
        if counted.is_empty() {
            return None;
        }
        counted.sort_by(f64::total_cmp);
        Some(counted[counted.len() / 2])
    }
}

/// The plain formula on one thread with the platform's `exp` and `ln_1p`: what a direct port
/// of the NumPy code would do, and the in-run baseline of the fused pass.
/// w0 moved by a few units in the last place of the bias: the same work as a pass at w0, at a
/// point no earlier pass has seen.
fn distinct_point(k: usize) -> [f64; 3] {
    [W0[0] + k as f64 * 1e-12, W0[1], W0[2]]
}

fn plain_pass(data: &Dataset, lambda: f64, w: [f64; 3]) -> (f64, [f64; 3]) {
    let mut loss = lambda * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    let mut grad = w.map(|wk| 2.0 * lambda * wk);
    for ((&a, &b), &label) in data.x1().iter().zip(data.x2()).zip(data.labels()) {
        let y = f64::from(label);
        let z = w[0] + w[1] * a + w[2] * b;
        loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
        let residual = 1.0 / (1.0 + (-z).exp()) - y;
        grad[0] += residual;
        grad[1] += residual * a;
        grad[2] += residual * b;
    }
    (loss, grad)
}

/// Reads every byte a pass reads and does almost no arithmetic: the memory floor under a
/// pass. Eight accumulators per block, so that the sum is not bound by the latency of one
/// chain of additions.
fn read_only(data: &Dataset) -> f64 {
    const BLOCK: usize = 8192;
    let sum8 = |values: &[f64]| {
        let mut lanes = [0.0; 8];
        for chunk in values.chunks(8) {
            for (lane, v) in lanes.iter_mut().zip(chunk) {
                *lane += v;
            }
        }
        lanes.iter().sum::<f64>()
    };
    data.x1()
        .par_chunks(BLOCK)
        .zip(data.x2().par_chunks(BLOCK))
        .zip(data.labels().par_chunks(BLOCK))
        .map(|((a, b), y)| sum8(a) + sum8(b) + y.iter().map(|&v| u32::from(v)).sum::<u32>() as f64)
        .sum()
}

/// `bench/python_core.py`, running beside us and answering one command at a time.
struct Python {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
    versions: String,
}

impl Python {
    /// Starts the Python side, or says why there is none.
    fn start() -> Result<std::result::Result<Python, String>> {
        let exe = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let importable = Command::new(&exe)
            .args(["-c", "import numpy, scipy"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !importable {
            return Ok(Err(format!(
                "`{exe}` cannot import numpy and scipy (pip install numpy scipy)"
            )));
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/python_core.py");
        let mut child = Command::new(&exe)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("python_core.py started without pipes".into());
        };
        let mut python = Python {
            child,
            input: Some(input),
            output: BufReader::new(output),
            versions: String::new(),
        };
        let hello = python.answer()?;
        python.versions = format!(
            "Python {}, NumPy {}, SciPy {}",
            hello["python"].as_str().unwrap_or("?"),
            hello["numpy"].as_str().unwrap_or("?"),
            hello["scipy"].as_str().unwrap_or("?")
        );
        Ok(Ok(python))
    }

    fn answer(&mut self) -> Result<Value> {
        let mut line = String::new();
        if self.output.read_line(&mut line)? == 0 {
            return Err("bench/python_core.py ended early (its error is above)".into());
        }
        Ok(serde_json::from_str(&line)?)
    }

    fn ask(&mut self, command: Value) -> Result<Value> {
        let input = self
            .input
            .as_mut()
            .ok_or("python_core.py's input is closed")?;
        writeln!(input, "{command}")?;
        input.flush()?;
        self.answer()
    }

    /// Gives Python the data set in `folder` (written by [`write_columns`]).
    fn load(&mut self, folder: &Path) -> Result<()> {
        let folder = folder.to_str().ok_or("temporary folder is not UTF-8")?;
        self.ask(json!({"cmd": "load", "dir": folder, "lambda": FUZZY_LAMBDA.get(), "w0": W0}))?;
        Ok(())
    }

    /// Runs one timed command between the handover pauses; returns its answer.
    fn time(&mut self, command: &str, samples: &mut Samples) -> Result<Value> {
        sleep(BEFORE_PYTHON);
        let answer = self.ask(json!({ "cmd": command }))?;
        let seconds = answer["seconds"]
            .as_f64()
            .ok_or("python_core.py answered without seconds")?;
        samples.0.push(seconds);
        sleep(AFTER_PYTHON);
        Ok(answer)
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        // End of input is python_core.py's signal to exit.
        drop(self.input.take());
        let _ = self.child.wait();
    }
}

/// The columns as raw little-endian files, for NumPy's `fromfile`: the same bits, no parsing.
fn write_columns(data: &Dataset, folder: &Path) -> Result<()> {
    for (name, column) in [("x1.f64", data.x1()), ("x2.f64", data.x2())] {
        let mut file = BufWriter::new(File::create(folder.join(name))?);
        for value in column {
            file.write_all(&value.to_le_bytes())?;
        }
        file.flush()?;
    }
    std::fs::write(folder.join("labels.u8"), data.labels())?;
    Ok(())
}

fn milliseconds(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}

/// One line of the table: the median, the number of counted runs, ours ÷ the plain formula
/// and ours ÷ Python where they apply, and a note.
fn row(name: &str, samples: &Samples, plain: Option<f64>, python: Option<f64>, note: &str) {
    let Some(median) = samples.median() else {
        return;
    };
    let ratio =
        |baseline: Option<f64>| baseline.map_or(String::new(), |b| format!("{:.3}", median / b));
    let line = format!(
        "  {name:<40} {:>12} {:>5} {:>8} {:>9}  {note}",
        milliseconds(median),
        samples.0.len() - 1,
        ratio(plain),
        ratio(python),
    );
    println!("{}", line.trim_end());
}

/// Every time measured at one size, and the two fits' outcomes.
#[derive(Default)]
struct Timings {
    read: Samples,
    plain: Samples,
    fused_one: Samples,
    fused_all: Samples,
    value_all: Samples,
    numpy: Samples,
    ours: Samples,
    scipy: Samples,
    our_fit: Option<LogisticFit>,
    scipy_fit: Value,
}

fn bench_size(size: &Size, python: &mut Option<Python>) -> Result<()> {
    let data = Dataset::fuzzy(size.n, &mut study_rng(0))?;
    if let Some(python) = python.as_mut() {
        // Removed as soon as Python has read it: NumPy keeps its own copy in memory.
        let folder = tempfile::tempdir()?;
        write_columns(&data, folder.path())?;
        python.load(folder.path())?;
    }
    let mut timings = Timings::default();
    time_passes(size, &data, python, &mut timings)?;
    for _ in 0..=size.fit_rounds {
        let fit = timings
            .ours
            .time(|| fit_logistic(&data, DatasetName::Fuzzy, FUZZY_LAMBDA, W0))?;
        timings.our_fit = Some(fit);
        if let Some(python) = python.as_mut() {
            timings.scipy_fit = python.time("fit", &mut timings.scipy)?;
        }
    }
    print_size(size, &timings);
    Ok(())
}

/// Times every kind of pass, one round per repetition and every kind once per round, so
/// that a slow moment of the machine lands on all of them rather than on one.
fn time_passes(
    size: &Size,
    data: &Dataset,
    python: &mut Option<Python>,
    t: &mut Timings,
) -> Result<()> {
    let objective = LogisticObjective::new(data, FUZZY_LAMBDA);
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let mut grad = [0.0; 3];
    for round in 0..=size.pass_rounds {
        t.read.time(|| read_only(data));
        t.plain.time(|| plain_pass(data, FUZZY_LAMBDA.get(), W0));
        // A point of its own for every pass: the objective remembers its recent passes, and a
        // remembered one would time a lookup, not a pass.
        let at = |k: usize| distinct_point(3 * round + k);
        let fused_one = &mut t.fused_one;
        one_thread.install(|| fused_one.time(|| objective.value_and_gradient(&at(0), &mut grad)));
        t.fused_all
            .time(|| objective.value_and_gradient(&at(1), &mut grad));
        t.value_all.time(|| objective.value(at(2)));
        if let Some(python) = python.as_mut() {
            python.time("eval", &mut t.numpy)?;
        }
    }
    Ok(())
}

/// The table of one size: each time, its ratio to the plain pass and to Python.
fn print_size(size: &Size, t: &Timings) {
    let threads = rayon::current_num_threads();
    let plain_median = t.plain.median();
    let numpy_median = t.numpy.median();
    let pass = t.fused_all.median();
    println!(
        "\n{:<42} {:>12} {:>5} {:>8} {:>9}",
        format!("N = {}", size.label),
        "median",
        "runs",
        "÷ plain",
        "÷ Python"
    );
    row(
        "read the columns only, all threads",
        &t.read,
        None,
        None,
        "",
    );
    let plain_note = "std exp and ln_1p";
    row(
        "value+gradient, plain, 1 thread",
        &t.plain,
        None,
        numpy_median,
        plain_note,
    );
    row(
        "value+gradient, fused, 1 thread",
        &t.fused_one,
        plain_median,
        numpy_median,
        "",
    );
    let all = format!("value+gradient, fused, {threads} threads");
    row(&all, &t.fused_all, plain_median, numpy_median, "the pass");
    row(
        &format!("value only, fused, {threads} threads"),
        &t.value_all,
        plain_median,
        None,
        "",
    );
    row("NumPy value+gradient", &t.numpy, None, None, "");
    let fit_note = match (&t.our_fit, t.ours.median(), pass) {
        (Some(fit), Some(seconds), Some(pass)) => format!(
            "= {:.0} passes; success {}, BFGS nfev {}, Newton nfev {}",
            seconds / pass,
            fit.result.success(),
            fit.result.nfev,
            fit.newton.result.nfev
        ),
        _ => String::new(),
    };
    let fit_name = "fit_logistic: check, BFGS, Newton";
    row(fit_name, &t.ours, None, t.scipy.median(), &fit_note);
    let scipy_fit = &t.scipy_fit;
    let scipy_note = format!(
        "success {}, nit {}, nfev {}",
        scipy_fit["success"], scipy_fit["nit"], scipy_fit["nfev"]
    );
    row(
        "SciPy minimize(method=\"BFGS\")",
        &t.scipy,
        None,
        None,
        &scipy_note,
    );
}

fn main() -> Result<()> {
    println!(
        "Fuzzy data, λ = {}, w0 = {W0:?}; {} rayon threads. Times are medians; \
         ratios are ours ÷ a baseline measured in this run.",
        FUZZY_LAMBDA.get(),
        rayon::current_num_threads()
    );
    let mut python = match Python::start()? {
        Ok(python) => {
            println!(
                "{}: same data, timed alternately with ours.",
                python.versions
            );
            Some(python)
        }
        Err(why) => {
            println!("No ratio to NumPy/SciPy: {why}.");
            None
        }
    };
    for size in &SIZES {
        bench_size(size, &mut python)?;
    }
    Ok(())
}

//! `logreg-report serve`: the report and its live review, built in memory and served on
//! 127.0.0.1, rebuilt on every save of the project file or a template, with every open page
//! reloaded. It builds through the same steps as a run (`pipeline`) and reviews through the
//! same steps as `review`; this room adds only HTTP, watching and the reload channel.
//! Nothing is written to the output folder or anywhere else.

mod build;
mod http;
mod inject;
mod paths;
mod state;
mod watch;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use logreg_report::project::{Lookup, Project, ProjectError};

use crate::args::ServeArgs;
use crate::printer::{say, timed};
use crate::run::{Outcome, built_in_template, parameters_line};
use crate::words::project_words;
use build::Builder;
use state::Shared;

pub(crate) fn serve(args: ServeArgs) -> Result<Outcome, String> {
    let lookup = args.run.lookup();
    let mut overrides = args.run.overrides();
    args.compare.add_to(&mut overrides);
    let quiet = args.run.quiet;
    // A flag the run cannot take, or a --config file that is not there, ends it at once; a
    // project file that does not parse is shown like any later failure, until it is fixed.
    let first = match Project::load(&lookup, &overrides, &built_in_template()) {
        Err(e @ (ProjectError::CommandLine { .. } | ProjectError::Environment(_))) => {
            return Err(project_words(&e, &lookup));
        }
        Err(e @ (ProjectError::Read { .. } | ProjectError::NotAFile { .. }))
            if matches!(lookup, Lookup::File(_)) =>
        {
            return Err(project_words(&e, &lookup));
        }
        other => other.ok(),
    };
    let listener =
        TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port))).map_err(|e| {
            format!(
                "--port {}: cannot listen on 127.0.0.1:{} ({e}); choose another port with --port, \
             or --port 0 for any free one",
                args.port, args.port
            )
        })?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let address = format!("http://127.0.0.1:{port}/");
    let server = Arc::new(
        tiny_http::Server::from_listener(listener, None)
            .map_err(|e| format!("--port {port}: {e}"))?,
    );
    let shared = Arc::new(Shared::new(
        address.clone(),
        args.compare.baseline_rev.clone(),
        lookup.clone(),
    ));
    // Ctrl-C is heard from here on: before anything is said, so a stop is never lost.
    let unblock = server.clone();
    stop_on_signal(shared.clone(), move || unblock.unblock());
    let mut builder = Builder::new(lookup, overrides);
    // Watched before the first build: no save is missed between the two.
    let watch = watch::Watch::start(&builder)?;
    if let Some(project) = &first
        && !quiet
    {
        say(format_args!("{}", parameters_line(project)));
    }
    let started = std::time::Instant::now();
    let result = builder.build();
    if let Err(detail) = &result {
        say(format_args!("error: {detail}"));
    } else if !quiet {
        timed("built the report in memory", started.elapsed());
    }
    shared.publish(result);
    // Said even with --quiet: where to look is the one thing a preview must tell.
    let baseline = match &args.compare.baseline_rev {
        Some(rev) => format!("the report committed at {rev}"),
        None => first.as_ref().map_or_else(
            || "the baseline".to_string(),
            |p| p.baseline.display().to_string(),
        ),
    };
    say(format_args!(
        "serving the report at {address} and its review against {baseline} at \
         {address}review/; every save reloads them; Ctrl-C stops"
    ));
    watch.run(shared.clone(), builder, quiet)?;
    for request in server.incoming_requests() {
        if shared.stopping() {
            break;
        }
        let shared = shared.clone();
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let handled = std::thread::Builder::new()
            .name("request".into())
            .spawn(move || {
                http::answer(&shared, request);
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(e) = handled {
            say(format_args!("warning: a request was dropped ({e})"));
        }
    }
    // Pages waiting for a reload were woken by the stop: let their answers go out.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while shared.in_flight.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if !quiet {
        say(format_args!("stopped serving {address}"));
    }
    Ok(Outcome::Written)
}

/// Ends the accept loop on SIGINT, SIGTERM or SIGHUP, after waking every held request.
fn stop_on_signal(shared: Arc<Shared>, unblock: impl Fn() + Send + 'static) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                if signals.forever().next().is_some() {
                    shared.stop();
                    unblock();
                }
            });
        }
        Err(e) => say(format_args!(
            "warning: Ctrl-C will end the preview without a word ({e})"
        )),
    }
}

//! What `serve` answers: the report's files built in memory (pages with the reload script,
//! the published files untouched), 404 for every other path however it is spelled, 405 for
//! other methods, 403 for another host, and several clients at once.

use super::{Preview, Project, raw, written};

#[test]
fn serves_the_report_from_memory_and_writes_nothing() {
    let project = Project::new(false);
    let before = written(project.root.path());
    let preview = Preview::start(project.root.path(), &[]);
    let page = preview.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    let text = page.text();
    assert!(text.contains("<title>Logistic regression fitted by BFGS</title>"));
    // The served copy reloads itself, and its policy lets exactly that script run.
    assert_eq!(text.matches("<script").count(), 1, "{text}");
    assert!(text.contains("script-src 'sha256-"), "{text}");
    let figure = preview.get("/figures/fuzzy.svg");
    assert_eq!(figure.status, 200);
    assert_eq!(figure.header("Content-Type"), Some("image/svg+xml"));
    assert!(figure.text().starts_with("<svg"));
    let results = preview.get("/results.json");
    assert_eq!(results.header("Content-Type"), Some("application/json"));
    let results: serde_json::Value = serde_json::from_slice(&results.body).expect("JSON");
    assert_eq!(results["seed"], 0);
    // Every file the report lists is served, with the bytes its sha256 names.
    for (path, sha) in results["artifacts"].as_object().expect("listed") {
        let reply = preview.get(&format!("/{path}"));
        assert_eq!(reply.status, 200, "{path}");
        let served = if path.ends_with(".html") {
            continue;
        } else {
            reply.body
        };
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(&served)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(Some(digest.as_str()), sha.as_str(), "{path}");
    }
    let head = preview.request("HEAD", "/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let (status, said) = preview.interrupt();
    assert!(status.success(), "{said}");
    assert_eq!(
        written(project.root.path()),
        before,
        "serve wrote into the project"
    );
    assert!(!project.path("output").exists());
}

#[test]
fn the_published_files_keep_their_policy_and_no_script() {
    let project = Project::new(true);
    let published = std::fs::read_to_string(project.path("output/index.html")).expect("written");
    assert!(!published.contains("<script"));
    assert!(!published.contains("script-src"));
    let preview = Preview::start(project.root.path(), &[]);
    let served = preview.get("/").text();
    // The served page is the published one with the preview's additions only.
    let without = served
        .replace(
            &served[served.find("; script-src").expect("widened")
                ..served.find("connect-src 'self'").expect("widened") + "connect-src 'self'".len()],
            "",
        )
        .replace(
            &served[served
                .find("<a id=\"logreg-report-preview\"")
                .expect("a link")..served.find("</body>").expect("a body")],
            "",
        );
    assert_eq!(without, published);
}

#[test]
fn paths_outside_the_report_are_not_found_in_any_spelling() {
    let project = Project::new(false);
    std::fs::write(project.path("secret.txt"), "not for the browser").expect("writable");
    let preview = Preview::start(project.root.path(), &[]);
    for path in [
        "/report.toml",
        "/templates/report.html",
        "/secret.txt",
        "/../secret.txt",
        "/figures/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/figures/..%2f..%2fsecret.txt",
        "/figures%5c..%5csecret.txt",
        "/./index.html",
        "//index.html",
        "/index.html%00",
        "/%c0%ae%c0%ae/secret.txt",
        "/figures/",
        "/output/index.html",
        "/review/../secret.txt",
        "http://127.0.0.1/index.html",
    ] {
        let reply = preview.request("GET", path, &[]);
        assert_eq!(reply.status, 404, "{path}: {}", reply.text());
        assert!(!reply.text().contains("not for the browser"), "{path}");
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"] {
        let reply = preview.request(method, "/", &["Content-Length: 0"]);
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    // A page elsewhere that a browser was made to send here (DNS rebinding) gets nothing.
    let reply = preview.request("GET", "/", &["Host: attacker.example:80"]);
    assert_eq!(reply.status, 403);
    assert_eq!(preview.get("/review").status, 308);
    assert_eq!(preview.get("/review").header("Location"), Some("/review/"));
}

#[test]
fn several_clients_are_served_at_once() {
    let project = Project::new(true);
    let preview = Preview::start(project.root.path(), &[]);
    let host = preview
        .address
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // Pages waiting for a reload hold their connection; the others are still answered.
    let waiting: Vec<_> = (0..6)
        .map(|_| {
            let host = host.clone();
            std::thread::spawn(move || {
                let request = format!(
                    "GET /__reload?since=r1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                );
                raw(&host, request.as_bytes()).text()
            })
        })
        .collect();
    let readers: Vec<_> = (0..8)
        .map(|k| {
            let host = host.clone();
            std::thread::spawn(move || {
                let path = if k % 2 == 0 { "/" } else { "/review/" };
                let request =
                    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
                raw(&host, request.as_bytes()).status
            })
        })
        .collect();
    for reader in readers {
        assert_eq!(reader.join().expect("answered"), 200);
    }
    let page = project.template().replace("<h1>", "<h1>Edited: ");
    project.save_template(&page);
    for waiter in waiting {
        assert_eq!(waiter.join().expect("answered"), "r2");
    }
}

#[test]
fn ctrl_c_stops_it_cleanly_with_pages_waiting() {
    let project = Project::new(false);
    let preview = Preview::start(project.root.path(), &[]);
    let host = preview
        .address
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let waiting = std::thread::spawn(move || {
        let request =
            format!("GET /__reload?since=r1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        raw(&host, request.as_bytes()).status
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let (status, said) = preview.interrupt();
    assert_eq!(status.code(), Some(0), "{said}");
    assert!(said.contains("stopped serving"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(waiting.join().expect("answered"), 200);
}

#[test]
fn a_port_in_use_is_refused_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("bound").port().to_string();
    let project = Project::new(false);
    let output = std::process::Command::new(crate::support::binary_path())
        .current_dir(project.root.path())
        .args(["serve", "--port", &port])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: --port {port}: cannot listen on 127.0.0.1:{port}"
        )),
        "{stderr}"
    );
}

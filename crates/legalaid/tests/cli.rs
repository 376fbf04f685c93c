//! The `legalaid` binary as an operator meets it: flags, configuration problems
//! reported as one sentence (never a panic), the admin and audit subcommands, and
//! `serve` starting, printing the first admin password and stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Cli#Secret2024";

/// What a finished run printed.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// The binary with every LEGALAID_* variable removed (so the caller's environment
/// cannot leak in), run in `dir` (so the default ./data lands in a temporary place).
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_legalaid"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("LEGALAID_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args).current_dir(dir);
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = command(dir, args).output().expect("run legalaid");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A failure an operator can act on: non-zero, no panic, one line on stderr saying `what`.
fn assert_one_sentence(r: &Run, what: &str) {
    assert!(!r.ok, "expected a failure; stdout: {}", r.stdout);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(
        r.stderr.trim_end().lines().count(),
        1,
        "one line: {:?}",
        r.stderr
    );
    assert!(r.stderr.contains(what), "{what:?} not in {:?}", r.stderr);
}

fn assert_ok(r: &Run, what: &str) {
    assert!(r.ok, "{what}: stdout {:?} stderr {:?}", r.stdout, r.stderr);
}

#[test]
fn help_mentions_the_commands_and_the_data_dir() {
    let t = tempfile::tempdir().expect("tempdir");
    let top = run(t.path(), &["--help"]);
    assert_ok(&top, "--help");
    for cmd in ["serve", "migrate", "admin", "audit"] {
        assert!(top.stdout.contains(cmd), "{cmd}: {}", top.stdout);
    }
    for sub in [
        &["serve", "--help"][..],
        &["migrate", "--help"],
        &["audit", "verify", "--help"],
    ] {
        let r = run(t.path(), sub);
        assert_ok(&r, &sub.join(" "));
        assert!(r.stdout.contains("--data-dir"), "{sub:?}: {}", r.stdout);
    }
}

#[test]
fn an_unknown_flag_is_named() {
    let t = tempfile::tempdir().expect("tempdir");
    for args in [&["--no-such-flag"][..], &["serve", "--no-such-flag"]] {
        let r = run(t.path(), args);
        assert!(!r.ok, "{args:?}");
        assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn configuration_problems_are_one_sentence() {
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    let db = ["--data-dir", data.to_str().expect("utf-8 path")];

    // Nothing listens on port 1. (sqlx retries until its acquire timeout, about 10 s.)
    let r = run_on(
        t.path(),
        &db,
        "serve --database-url postgres://postgres@127.0.0.1:1/x",
    );
    assert_one_sentence(&r, "PostgreSQL");
    let r = run_on(t.path(), &db, "serve --database-url mysql://x");
    assert_one_sentence(&r, "is not supported");

    // A data directory under a regular file cannot be created.
    let file = t.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let under = file.join("sub");
    let r = run(
        t.path(),
        &["migrate", "--data-dir", under.to_str().expect("utf-8")],
    );
    assert_one_sentence(&r, "data directory");

    // A malformed or missing configuration file is named.
    let cfg = t.path().join("legalaid.toml");
    std::fs::write(&cfg, "bind = [\n").expect("write");
    let cfg = cfg.to_str().expect("utf-8");
    assert_one_sentence(
        &run_on(t.path(), &db, &format!("--config {cfg} migrate")),
        cfg,
    );
    let r = run_on(t.path(), &db, "migrate --config /nonexistent/legalaid.toml");
    assert_one_sentence(&r, "/nonexistent/legalaid.toml");
}

/// Runs a command line (words split on spaces) with the database flags `db` appended.
fn run_on(dir: &Path, db: &[&str], line: &str) -> Run {
    let mut args: Vec<&str> = line.split_whitespace().collect();
    args.extend_from_slice(db);
    run(dir, &args)
}

/// migrate, create-user (and a duplicate, and a weak password), reset-password,
/// audit verify: on the database named by the flags `db`.
fn admin_round(dir: &Path, db: &[&str]) {
    let go = |line: &str| run_on(dir, db, line);
    assert_ok(&go("migrate"), "migrate");
    let create = format!(
        "admin create-user --username cli1 --name 测试 --role system_admin --password {PASSWORD}"
    );
    let r = go(&create);
    assert_ok(&r, "create-user");
    assert!(r.stdout.contains("cli1"), "{}", r.stdout);
    assert_one_sentence(&go(&create), "username");
    assert_one_sentence(
        &go("admin create-user --username cli2 --name 测试 --role system_admin --password short"),
        "password",
    );
    assert_ok(
        &go("admin reset-password --username cli1 --password Cli#Secret2025"),
        "reset-password",
    );
    assert_one_sentence(
        &go("admin reset-password --username nobody --password Cli#Secret2025"),
        "no such user",
    );
    let v = go("audit verify");
    assert_ok(&v, "audit verify");
    assert!(v.stdout.contains("intact"), "{}", v.stdout);
}

#[tokio::test]
async fn admin_commands_and_audit_verification_on_sqlite() {
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    let data = data.to_str().expect("utf-8");
    admin_round(t.path(), &["--data-dir", data]);

    // Tamper with the first entry (the trigger must go first), then verification names it.
    let url = format!("sqlite://{data}/legalaid.db");
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("open the SQLite file");
    sqlx::raw_sql(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_username = 'x' WHERE seq = 1",
    )
    .execute(&mut c)
    .await
    .expect("tamper");
    sqlx::Connection::close(c).await.expect("close");
    assert_one_sentence(
        &run(t.path(), &["audit", "verify", "--data-dir", data]),
        "entry 1",
    );
}

#[test]
fn backup_restore_export_import_and_search_rebuild_from_the_command_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    let data = data.to_str().expect("utf-8");
    admin_round(t.path(), &["--data-dir", data]);
    let r = run(t.path(), &["search", "rebuild", "--data-dir", data]);
    assert_ok(&r, "search rebuild");
    assert!(r.stdout.contains("search index rebuilt"), "{}", r.stdout);

    let b = t.path().join("b");
    let b = b.to_str().expect("utf-8");
    let r = run(t.path(), &["backup", "--data-dir", data, "--to", b]);
    assert_ok(&r, "backup");
    assert!(r.stdout.contains("the data key"), "{}", r.stdout);
    assert_one_sentence(
        &run(t.path(), &["backup", "--data-dir", data, "--to", b]),
        "not empty",
    );
    let restored = t.path().join("restored");
    let restored = restored.to_str().expect("utf-8");
    assert_ok(
        &run(t.path(), &["restore", "--data-dir", restored, "--from", b]),
        "restore",
    );
    assert_one_sentence(
        &run(t.path(), &["restore", "--data-dir", restored, "--from", b]),
        "already exists",
    );
    let v = run(t.path(), &["audit", "verify", "--data-dir", restored]);
    assert_ok(&v, "audit verify of the restored copy");

    let e = t.path().join("e");
    let e = e.to_str().expect("utf-8");
    let r = run(t.path(), &["export", "--data-dir", data, "--to", e]);
    assert_ok(&r, "export");
    assert!(r.stdout.contains("exported"), "{}", r.stdout);
    let moved = t.path().join("moved");
    let moved = moved.to_str().expect("utf-8");
    std::fs::create_dir_all(moved).expect("mkdir");
    std::fs::copy(
        Path::new(data).join("data.key"),
        Path::new(moved).join("data.key"),
    )
    .expect("key");
    let r = run(t.path(), &["import", "--data-dir", moved, "--from", e]);
    assert_ok(&r, "import");
    assert!(r.stdout.contains("counts agree"), "{}", r.stdout);
    assert_one_sentence(
        &run(t.path(), &["import", "--data-dir", moved, "--from", e]),
        "not empty",
    );
    assert_ok(
        &run(t.path(), &["audit", "verify", "--data-dir", moved]),
        "audit verify after import",
    );
}

/// A scratch PostgreSQL database, dropped when the test ends (even by a panic).
struct PgDb {
    admin_url: String,
    name: String,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside the test's runtime: use a small one on its own thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut c) =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                }
            });
        })
        .join();
    }
}

#[tokio::test]
async fn admin_commands_and_audit_verification_on_postgres() {
    let Ok(admin_url) = std::env::var("LEGALAID_TEST_DATABASE_URL") else {
        eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    let name = format!(
        "legalaid_test_cli_{}",
        &legalaid_app::auth::random_secret()[..12]
    )
    .to_lowercase();
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .expect("PostgreSQL reachable");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
    )))
    .execute(&mut admin)
    .await
    .expect("create database");
    let _guard = PgDb {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let mut url = url::Url::parse(&admin_url).expect("a URL");
    url.set_path(&format!("/{name}"));
    let url = url.to_string();
    let t = tempfile::tempdir().expect("tempdir");
    let db = [
        "--data-dir",
        t.path().to_str().expect("utf-8"),
        "--database-url",
        &url,
    ];

    admin_round(t.path(), &db);
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("connect");
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update ON audit_log; UPDATE audit_log SET actor_username = 'x' WHERE seq = 1").execute(&mut c).await.expect("tamper");
    sqlx::Connection::close(c).await.expect("close");
    assert_one_sentence(&run_on(t.path(), &db, "audit verify"), "entry 1");
}

/// Kills the server if the test fails before stopping it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[tokio::test]
async fn serve_prints_the_admin_password_and_stops_on_sigterm() {
    let t = tempfile::tempdir().expect("tempdir");
    // A port that was free a moment ago (serve prints no port for 127.0.0.1:0).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let bind = format!("127.0.0.1:{port}");
    let data = t.path().join("data");
    let log = std::fs::File::create(t.path().join("stderr.log")).expect("log file");
    let mut child = command(
        t.path(),
        &[
            "serve",
            "--bind",
            &bind,
            "--data-dir",
            data.to_str().expect("utf-8"),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(log)
    .spawn()
    .expect("start serve");
    // Collect stdout lines on a thread so the pipe never fills.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut server = Server(child);

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    loop {
        let res = http.get(format!("http://{bind}/healthz")).send().await;
        if res.is_ok_and(|r| r.status() == reqwest::StatusCode::OK) {
            break;
        }
        let exited = server.0.try_wait().expect("try_wait");
        let log = std::fs::read_to_string(t.path().join("stderr.log")).unwrap_or_default();
        assert!(exited.is_none(), "serve exited early ({exited:?}): {log}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no /healthz within 20 s: {log}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The password line is printed before the server listens; the reader thread may lag.
    let mut lines = Vec::new();
    let line = loop {
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(l) if l.contains("admin password:") => break l,
            Ok(l) => lines.push(l),
            Err(e) => panic!("no admin password line ({e}): {lines:?}"),
        }
    };
    let password = line
        .rsplit("admin password:")
        .next()
        .unwrap_or_default()
        .trim();
    // The printed password signs in.
    let res = http
        .post(format!("http://{bind}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": password }))
        .send()
        .await
        .expect("login");
    assert_eq!(
        res.status(),
        reqwest::StatusCode::OK,
        "sign in with the printed password"
    );

    let pid = server.0.id().to_string();
    let kill = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(kill.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(s) = server.0.try_wait().expect("try_wait") {
            break s;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "serve did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

/// Starts `serve` on a free port with a known admin password; waits for /readyz.
async fn start_serve(dir: &Path, data: &Path) -> (Server, String) {
    let bind = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").to_string()
    };
    let child = command(
        dir,
        &[
            "serve",
            "--bind",
            &bind,
            "--data-dir",
            data.to_str().expect("utf-8"),
        ],
    )
    .env("LEGALAID_ADMIN_PASSWORD", PASSWORD)
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("start serve");
    let mut server = Server(child);
    let http = reqwest::Client::new();
    let started = Instant::now();
    while !http
        .get(format!("http://{bind}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            server.0.try_wait().expect("try_wait").is_none(),
            "serve exited early"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "not ready within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, bind)
}

/// No acknowledged write is lost when the process is killed outright (SIGKILL: no
/// chance to flush or shut down), and the audit chain is intact afterwards.
#[tokio::test]
async fn acknowledged_writes_survive_a_killed_process() {
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    let (mut server, bind) = start_serve(t.path(), &data).await;
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("http://{bind}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["token"].as_str().expect("token").to_owned();
    // Concurrent writes, each acknowledged with 201 before the kill.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (http, bind, token) = (http.clone(), bind.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({ "name": format!("测试律师事务所{i}"), "kind": "law_firm", "region_code": "341504" });
            let res = http.post(format!("http://{bind}/api/v1/units")).bearer_auth(&token).json(&body).send().await.expect("post");
            res.status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), reqwest::StatusCode::CREATED);
    }
    let kill = Command::new("kill")
        .args(["-KILL", &server.0.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let _ = server.0.wait();

    let (_server, bind) = start_serve(t.path(), &data).await;
    let login: serde_json::Value = http
        .post(format!("http://{bind}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["token"].as_str().expect("token");
    let units: serde_json::Value = http
        .get(format!("http://{bind}/api/v1/units?per_page=200"))
        .bearer_auth(token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(units["total"], 24, "every acknowledged unit is still there");
    let verify: serde_json::Value = http
        .get(format!("http://{bind}/api/v1/audit/verify"))
        .bearer_auth(token)
        .send()
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    assert_eq!(verify["ok"], true, "{verify}");
}

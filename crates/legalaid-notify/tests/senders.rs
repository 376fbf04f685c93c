//! The senders against a file, a local HTTP server standing in for the SMS
//! gateway, and SMTP configurations. No outside network is used.

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use legalaid_notify::{
    Channel, Channels, FileSink, NotifyConfig, Outgoing, SendError, Sender, SmsGateway, Smtp,
};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn sms(id: i64) -> Outgoing {
    Outgoing {
        id,
        channel: Channel::Sms,
        address: "13900000000".into(),
        subject: String::new(),
        body: "李秀英，您好：您的法律援助申请已受理，编号叶法援申〔2024〕15号。".into(),
    }
}

#[tokio::test]
async fn the_file_sink_appends_one_parseable_line_per_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sink = FileSink::new(dir.path().join("nested/sms-sink.jsonl"));
    sink.send(&sms(1)).await.expect("written");
    let mut mail = sms(2);
    mail.channel = Channel::Email;
    mail.address = "li@example.cn".into();
    mail.subject = "已结案".into();
    sink.send(&mail).await.expect("written");

    let text = std::fs::read_to_string(sink.path()).expect("sink file");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["channel"], "sms");
    assert_eq!(lines[0]["address"], "13900000000");
    assert!(
        lines[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("叶法援申〔2024〕15号")
    );
    assert_eq!(lines[1]["channel"], "email");
    assert_eq!(lines[1]["subject"], "已结案");
    assert!(lines[1]["at"].as_str().unwrap_or_default().ends_with('Z'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sink.path())
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "message text is personal data");
    }
}

#[tokio::test]
async fn unconfigured_channels_write_to_sinks_in_the_data_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let c = Channels::from_config(&NotifyConfig {
        sink_dir: dir.path().to_owned(),
        ..NotifyConfig::default()
    })
    .expect("defaults");
    let sender = c.for_channel(Channel::Sms).expect("sms sender");
    sender.send(&sms(9)).await.expect("written");
    let text = std::fs::read_to_string(dir.path().join("sms-sink.jsonl")).expect("sms sink");
    assert!(text.contains("\"id\":9"));
    assert!(c.for_channel(Channel::Email).is_some());
    assert!(c.for_channel(Channel::InApp).is_none());
}

/// What the fake gateway saw.
#[derive(Default)]
struct Seen {
    auth: Option<String>,
    body: Option<Value>,
}

/// Starts a gateway whose answer depends on the path; returns its base URL.
async fn gateway(seen: Arc<Mutex<Seen>>) -> String {
    let record = move |headers: HeaderMap, Json(body): Json<Value>| {
        let seen = seen.clone();
        async move {
            let mut s = seen.lock().expect("lock");
            s.auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            s.body = Some(body);
            Json(json!({"code": "OK", "message": "成功", "biz_id": "B-1001"}))
        }
    };
    let app = axum::Router::new()
        .route("/ok", post(record))
        .route(
            "/refused",
            post(|| async {
                Json(json!({"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "非法手机号 13900000000"}))
            }),
        )
        .route(
            "/throttled",
            post(|| async { Json(json!({"code": "isv.BUSINESS_LIMIT_CONTROL", "message": "触发流控"})) }),
        )
        .route(
            "/fault",
            post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "upstream down") }),
        )
        .route(
            "/bad",
            post(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"code": "BAD_PARAM", "message": "phone 13900000000 malformed"})),
                )
            }),
        )
        .route("/busy", post(|| async { StatusCode::TOO_MANY_REQUESTS }))
        .route(
            "/garbled",
            post(|| async { "<html>ok</html>" }),
        )
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Json(json!({"code": "OK"}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

async fn send_to(base: &str, path: &str) -> Result<legalaid_notify::Receipt, SendError> {
    let g = SmsGateway::with_timeout(
        &format!("{base}{path}"),
        "key-123",
        "叶集区法律援助中心",
        Duration::from_millis(300),
    )
    .expect("valid");
    g.send(&sms(42)).await
}

#[tokio::test]
async fn the_gateway_receives_the_common_json_shape_and_its_receipt_is_kept() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let base = gateway(seen.clone()).await;
    let receipt = send_to(&base, "/ok").await.expect("sent");
    assert_eq!(receipt.provider_id, "B-1001");
    let s = seen.lock().expect("lock");
    assert_eq!(s.auth.as_deref(), Some("Bearer key-123"));
    let body = s.body.clone().expect("a body");
    assert_eq!(body["phone"], "13900000000");
    assert_eq!(body["sign"], "叶集区法律援助中心");
    assert_eq!(body["out_id"], "42", "the outbox id is the idempotency key");
    assert!(
        body["content"]
            .as_str()
            .unwrap_or_default()
            .starts_with("李秀英，您好")
    );
}

#[tokio::test]
async fn gateway_failures_are_classified_for_retry() {
    let base = gateway(Arc::default()).await;
    let temporary = |r: Result<_, SendError>| matches!(r, Err(SendError::Temporary(_)));

    let refused = send_to(&base, "/refused").await.expect_err("refused");
    assert!(refused.is_permanent(), "{refused}");
    assert!(refused.to_string().contains("MOBILE_NUMBER_ILLEGAL"));
    assert!(
        !refused.to_string().contains("13900000000"),
        "no phone numbers in errors"
    );

    assert!(temporary(send_to(&base, "/throttled").await), "rate limit");
    assert!(temporary(send_to(&base, "/fault").await), "HTTP 500");
    assert!(temporary(send_to(&base, "/busy").await), "HTTP 429");
    assert!(
        temporary(send_to(&base, "/garbled").await),
        "2xx without the JSON"
    );

    let bad = send_to(&base, "/bad").await.expect_err("bad request");
    assert!(bad.is_permanent(), "{bad}");
    assert!(bad.to_string().starts_with("permanent failure: HTTP 400"));
    assert!(!bad.to_string().contains("13900000000"));

    let started = std::time::Instant::now();
    let slow = send_to(&base, "/slow").await.expect_err("timed out");
    assert!(
        !slow.is_permanent() && slow.to_string().contains("in time"),
        "{slow}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_temporary_failure() {
    // Bind and drop to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let r = send_to(&format!("http://127.0.0.1:{port}"), "/send").await;
    assert!(matches!(r, Err(SendError::Temporary(_))), "{r:?}");
}

#[test]
fn gateway_urls_are_checked() {
    assert!(SmsGateway::new("sms.example.cn/send", "k", "签名").is_err());
    assert!(SmsGateway::new("ftp://sms.example.cn/send", "k", "签名").is_err());
    assert!(SmsGateway::new("https://sms.example.cn/send", "k", "签名").is_ok());
}

#[test]
fn smtp_configuration_errors_are_explained_without_the_password() {
    let from = "叶集区法律援助中心 <notice@example.gov.cn>";
    let err = |url: &str, from: &str| Smtp::new(url, from).err().unwrap_or_default();
    assert!(err("not a url", from).contains("smtp_url"));
    let e = err("http://u:secret@mail.example.cn", from);
    assert!(e.contains("smtp_url") && !e.contains("secret"), "{e}");
    assert!(err("smtp://u:secret@mail.example.cn:587", from).contains("without TLS"));
    assert!(err("smtp://mail.example.cn:587?tls=sometimes", from).contains("smtp_url"));
    assert!(err("smtps://mail.example.cn", "nobody").contains("mail_from"));

    assert!(Smtp::new("smtps://u:p%40ss@mail.example.cn:465", from).is_ok());
    assert!(Smtp::new("smtp://u:pass@mail.example.cn:587?tls=required", from).is_ok());
    assert!(Smtp::new("smtp://relay.internal:25", "notice@example.gov.cn").is_ok());
}

#[tokio::test]
async fn smtp_classifies_bad_addresses_and_unreachable_servers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let smtp =
        Smtp::new(&format!("smtp://127.0.0.1:{port}"), "notice@example.gov.cn").expect("valid");
    let mut m = sms(5);
    m.channel = Channel::Email;
    m.subject = "已结案".into();
    m.address = "not-an-address".into();
    let bad = smtp.send(&m).await.expect_err("invalid address");
    assert!(bad.is_permanent() && !bad.to_string().contains("not-an-address"));

    m.address = "li@example.cn".into();
    let down = smtp.send(&m).await.expect_err("nobody listens");
    assert!(!down.is_permanent(), "{down}");
    assert!(!down.to_string().contains("li@example.cn"));
}

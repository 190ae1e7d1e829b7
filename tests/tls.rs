//! Transport rules: certificate checks are always on for https (a server with a
//! self-signed certificate is refused, not trusted), nothing in the sources turns them
//! off, and plain http is accepted only for loopback addresses (the demo server).
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio_rustls::rustls;

/// An https server on 127.0.0.1 with a self-signed certificate, answering 200 to anyone
/// who completes the handshake.
async fn self_signed_server() -> std::net::SocketAddr {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                        .await;
                }
            });
        }
    });
    address
}

#[tokio::test]
async fn a_server_with_an_untrusted_certificate_is_refused() {
    let address = self_signed_server().await;
    let client = sage200_desk::api::build_http_client().unwrap();
    let error = client
        .get(format!("https://{address}/"))
        .send()
        .await
        .expect_err("an untrusted certificate must not be accepted");
    let chain = format!("{error:?}");
    assert!(
        chain.to_lowercase().contains("certificate"),
        "refused for its certificate: {chain}"
    );
    let checked = sage200_desk::api::check_health(&client, &format!("https://{address}/")).await;
    assert!(checked.is_err());
}

#[test]
fn nothing_turns_certificate_checks_off() {
    let mut folders = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut read = 0;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for forbidden in [
                    "danger_accept_invalid_certs",
                    "danger_accept_invalid_hostnames",
                    "dangerous()",
                    "native-tls",
                ] {
                    assert!(!text.contains(forbidden), "{}: {forbidden}", path.display());
                }
                read += 1;
            }
        }
    }
    assert!(read > 40, "the sources were read ({read} files)");
}

#[test]
fn plain_http_is_for_loopback_only() {
    use sage200_desk::model::is_loopback_http;
    assert!(is_loopback_http(
        "http://127.0.0.1:18200/uk/sage200extra/accounts/v1/"
    ));
    assert!(is_loopback_http("http://localhost:8080/"));
    assert!(!is_loopback_http(
        "http://api.columbus.sage.com/uk/sage200/accounts/v1/"
    ));
    assert!(!is_loopback_http("http://127.0.0.1.example.com/"));
    let mut profile = sage200_desk::model::Profile::sage_professional();
    profile.token_url = "http://id.sage.com/oauth/token".into();
    assert!(
        profile
            .problems()
            .iter()
            .any(|(_, problem)| problem.contains("must start with https://")),
        "{:?}",
        profile.problems()
    );
    assert!(profile.uses_plain_http());
    assert!(!sage200_desk::model::Profile::sage_professional().uses_plain_http());
}

//! The one-shot loopback listener of RFC 8252: it binds the loopback address only (for a
//! `localhost` redirect both `127.0.0.1` and `::1`, as a browser may resolve either; never a
//! wildcard), answers nothing but the callback path, checks `state` (an answer of an earlier
//! sign-in is refused and the wait goes on) and, when the issuer is known, `iss` (RFC 9207),
//! and stops after the first valid callback, on cancel (drop) or after a timeout. Requests
//! are capped in size and must arrive promptly, so a slow or oversized client cannot hold
//! the sign-in hostage.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use crate::model::{RedirectHost, RedirectSettings};

use super::AuthError;

/// The largest request the listener reads; anything longer is refused.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// How long a connection may take to send its request line and headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// A bound listener waiting for the browser to come back.
#[derive(Debug)]
pub struct LoopbackListener {
    /// `127.0.0.1`, and `::1` too for a `localhost` redirect when the machine has IPv6.
    listeners: Vec<TcpListener>,
    path: String,
    redirect_uri: String,
    /// Who signs the user in, named on the pages the browser shows.
    provider: String,
    /// The issuer a callback's `iss` must name, when known.
    issuer: Option<String>,
}

impl LoopbackListener {
    /// Binds `127.0.0.1` on the configured port (or a free one); a `localhost` redirect
    /// also binds `::1` on the same port, since browsers may try IPv6 first. Never a
    /// wildcard address.
    pub async fn bind(settings: &RedirectSettings) -> Result<Self, AuthError> {
        settings.validate().map_err(AuthError::Profile)?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, settings.port.unwrap_or(0)));
        let listener = TcpListener::bind(address)
            .await
            .map_err(|e| AuthError::Listener {
                address: address.to_string(),
                detail: e.to_string(),
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| AuthError::Listener {
                address: address.to_string(),
                detail: e.to_string(),
            })?
            .port();
        let mut listeners = vec![listener];
        if settings.host == RedirectHost::Localhost {
            match TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await {
                Ok(v6) => listeners.push(v6),
                // No IPv6 here: browsers cannot reach ::1 either.
                Err(error) => tracing::debug!(%error, "no ::1 listener"),
            }
        }
        Ok(Self {
            listeners,
            path: settings.path.clone(),
            redirect_uri: settings.uri(port),
            provider: "the sign-in provider".to_owned(),
            issuer: None,
        })
    }

    /// Names the provider on the browser's pages, and sets the issuer a callback's `iss`
    /// must name (RFC 9207), when known.
    #[must_use]
    pub fn for_provider(mut self, provider: &str, issuer: Option<&str>) -> Self {
        provider.clone_into(&mut self.provider);
        self.issuer = issuer
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty());
        self
    }

    /// The redirect URI to send in the authorize request.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The IPv4 address the listener is bound to.
    #[must_use]
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listeners.first()?.local_addr().ok()
    }

    /// Every address the listener is bound to.
    #[must_use]
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// Waits for the callback carrying `expected_state`, at most `timeout`. The listener
    /// closes when this returns, so a second callback finds nobody listening.
    /// The result is the authorization code.
    pub async fn wait(self, expected_state: &str, timeout: Duration) -> Result<String, AuthError> {
        let deadline = Instant::now() + timeout;
        loop {
            let accepts = self.listeners.iter().map(|l| Box::pin(l.accept()));
            let accepted =
                tokio::time::timeout_at(deadline, futures_util::future::select_all(accepts))
                    .await
                    .map(|(accepted, _, _)| accepted);
            let Ok(accepted) = accepted else {
                return Err(AuthError::TimedOut);
            };
            let Ok((stream, _)) = accepted else {
                continue; // a failed accept (e.g. reset before accept) is not the browser
            };
            if let Some(result) = self.serve(stream, expected_state).await {
                return result;
            }
        }
    }

    /// Answers one connection. `None` means "not the callback; keep waiting".
    #[allow(clippy::too_many_lines)] // every answer the listener gives, in the order checked
    async fn serve(
        &self,
        mut stream: TcpStream,
        expected_state: &str,
    ) -> Option<Result<String, AuthError>> {
        let request = match tokio::time::timeout(HEADER_TIMEOUT, read_head(&mut stream)).await {
            Ok(Ok(request)) => request,
            Ok(Err(Oversized)) => {
                respond(
                    &mut stream,
                    "431 Request Header Fields Too Large",
                    &page(
                        "Request too large",
                        "This address only accepts the sign-in answer.",
                    ),
                )
                .await;
                return None;
            }
            Err(_) => {
                respond(
                    &mut stream,
                    "408 Request Timeout",
                    &page("Too slow", "The request did not arrive in time."),
                )
                .await;
                return None;
            }
        };
        let mut words = request
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace();
        let (method, target) = (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        );
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != self.path {
            respond(
                &mut stream,
                "404 Not Found",
                &page("Not found", "Nothing here."),
            )
            .await;
            return None;
        }
        if method != "GET" {
            respond(
                &mut stream,
                "405 Method Not Allowed",
                &page("Not allowed", "Only GET is answered here."),
            )
            .await;
            return None;
        }
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        if get("state").as_deref() != Some(expected_state) {
            // An old tab, or a forged request: refused, and the sign-in in progress goes on.
            tracing::warn!("a sign-in answer with another state was refused");
            respond(
                &mut stream,
                "400 Bad Request",
                &page("Not this sign-in", "This answer belongs to an earlier sign-in (or was not sent by the app), so it was refused. The sign-in the app is waiting for goes on: finish it in its own tab, or start again from the app."),
            )
            .await;
            return None;
        }
        if let (Some(expected), Some(named)) = (&self.issuer, get("iss"))
            && named.trim_end_matches('/') != expected.trim_end_matches('/')
        {
            respond(
                &mut stream,
                "400 Bad Request",
                &page("Sign-in refused", &format!("This answer says it comes from {}, not from {}, so it was refused. Return to the app and sign in again.", escape(&named), escape(expected))),
            )
            .await;
            return Some(Err(AuthError::IssuerMismatch {
                expected: expected.clone(),
                named,
            }));
        }
        if let Some(error) = get("error") {
            let description = get("error_description").unwrap_or_else(|| error.clone());
            respond(
                &mut stream,
                "200 OK",
                &page(
                    "Sign-in not completed",
                    &format!(
                        "{} said: {}. You can close this tab and return to the app.",
                        capitalised(&escape(&self.provider)),
                        escape(&description)
                    ),
                ),
            )
            .await;
            return Some(Err(AuthError::Denied { error, description }));
        }
        let Some(code) = get("code").filter(|c| !c.is_empty()) else {
            respond(
                &mut stream,
                "400 Bad Request",
                &page(
                    "Sign-in incomplete",
                    "The answer had no authorization code.",
                ),
            )
            .await;
            return Some(Err(AuthError::Denied {
                error: "invalid_request".into(),
                description: "the answer had no authorization code".into(),
            }));
        };
        respond(
            &mut stream,
            "200 OK",
            &page(
                "Signed in",
                "You are signed in to Sage 200 Desk. You can close this tab and return to the app.",
            ),
        )
        .await;
        Some(Ok(code))
    }
}

/// A request head that went past [`MAX_REQUEST_BYTES`].
struct Oversized;

async fn read_head(stream: &mut TcpStream) -> Result<String, Oversized> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    while let Ok(read) = stream.read(&mut chunk).await {
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if buffer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        if buffer.len() > MAX_REQUEST_BYTES {
            return Err(Oversized);
        }
    }
    if buffer.len() > MAX_REQUEST_BYTES {
        return Err(Oversized);
    }
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The browser may already be gone; there is nobody to tell.
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Text made safe to put in a page (the provider's words come from the address bar).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// "the demo server" at the start of a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A small self-contained page (no external resources).
fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} - Sage 200 Desk</title>\
         <style>body{{font-family:system-ui,sans-serif;background:#f2f5f3;margin:0}}\
         main{{max-width:28em;margin:6em auto;background:#fff;padding:2em 2.4em;border-radius:10px;\
         box-shadow:0 2px 12px rgba(0,0,0,.08)}}h1{{font-size:1.3em;margin-top:0}}</style></head>\
         <body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RedirectHost;

    async fn send(address: SocketAddr, bytes: &[u8]) -> String {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn it_binds_the_loopback_addresses_only() {
        let ipv6 = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).is_ok();
        for host in [RedirectHost::Loopback, RedirectHost::Localhost] {
            let listener = LoopbackListener::bind(&RedirectSettings {
                host,
                ..RedirectSettings::default()
            })
            .await
            .unwrap();
            let address = listener.local_addr().unwrap();
            assert_eq!(address.ip(), std::net::IpAddr::from(Ipv4Addr::LOCALHOST));
            let all = listener.local_addrs();
            assert!(all.iter().all(|a| a.ip().is_loopback()), "{all:?}");
            if host == RedirectHost::Localhost && ipv6 {
                // A browser that resolves localhost to ::1 first finds the app there too.
                assert!(
                    all.contains(&SocketAddr::from((Ipv6Addr::LOCALHOST, address.port()))),
                    "{all:?}"
                );
                let waiting = tokio::spawn(listener.wait("s6", Duration::from_mins(1)));
                let answer = send(
                    SocketAddr::from((Ipv6Addr::LOCALHOST, address.port())),
                    b"GET /callback?state=s6&code=over-v6 HTTP/1.1\r\n\r\n",
                )
                .await;
                assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
                assert_eq!(waiting.await.unwrap().unwrap(), "over-v6");
            } else {
                assert_eq!(all.len(), 1, "{all:?}");
            }
        }
    }

    /// An answer of an earlier sign-in (another `state`) is refused with a page saying so,
    /// and the wait goes on; an answer naming another issuer ends it (RFC 9207); a refusal
    /// page names the provider.
    #[tokio::test]
    async fn earlier_answers_wait_on_and_other_issuers_are_refused() {
        let bind = || async {
            LoopbackListener::bind(&RedirectSettings::default())
                .await
                .unwrap()
                .for_provider("id.example.com", Some("https://id.example.com/"))
        };
        let listener = bind().await;
        let address = listener.local_addr().unwrap();
        let waiting = tokio::spawn(listener.wait("now", Duration::from_mins(1)));
        let old = send(
            address,
            b"GET /callback?state=before&code=c0 HTTP/1.1\r\n\r\n",
        )
        .await;
        assert!(
            old.starts_with("HTTP/1.1 400") && old.contains("earlier sign-in"),
            "{old}"
        );
        let right = send(
            address,
            b"GET /callback?state=now&code=c1&iss=https%3A%2F%2Fid.example.com HTTP/1.1\r\n\r\n",
        )
        .await;
        assert!(right.starts_with("HTTP/1.1 200"), "{right}");
        assert_eq!(waiting.await.unwrap().unwrap(), "c1");

        let listener = bind().await;
        let address = listener.local_addr().unwrap();
        let waiting = tokio::spawn(listener.wait("now", Duration::from_mins(1)));
        let mixed = send(
            address,
            b"GET /callback?state=now&code=c2&iss=https%3A%2F%2Fevil.example HTTP/1.1\r\n\r\n",
        )
        .await;
        assert!(mixed.starts_with("HTTP/1.1 400"), "{mixed}");
        assert!(matches!(
            waiting.await.unwrap(),
            Err(AuthError::IssuerMismatch { .. })
        ));

        let listener = bind().await;
        let address = listener.local_addr().unwrap();
        let waiting = tokio::spawn(listener.wait("now", Duration::from_mins(1)));
        let denied = send(
            address,
            b"GET /callback?state=now&error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E HTTP/1.1\r\n\r\n",
        )
        .await;
        assert!(
            denied.contains("Id.example.com said: &lt;b&gt;no&lt;/b&gt;"),
            "{denied}"
        );
        assert!(!denied.contains("Sage ID"), "{denied}");
        assert!(waiting.await.unwrap().is_err());
    }

    /// Oversized and slow requests are refused; the listener keeps waiting, and the real
    /// callback that follows still lands.
    #[tokio::test]
    async fn oversized_and_slow_requests_are_refused_and_the_callback_still_lands() {
        let listener = LoopbackListener::bind(&RedirectSettings::default())
            .await
            .unwrap();
        let address = listener.local_addr().unwrap();
        let waiting = tokio::spawn(listener.wait("s1", Duration::from_mins(1)));

        let huge = format!(
            "GET /callback?state=s1&code=c HTTP/1.1\r\nX-Padding: {}\r\n\r\n",
            "x".repeat(MAX_REQUEST_BYTES + 100)
        );
        assert!(
            send(address, huge.as_bytes())
                .await
                .starts_with("HTTP/1.1 431")
        );

        // A slow-loris client: half a request line, then nothing.
        let slow = send(address, b"GET /callback?sta").await;
        assert!(slow.starts_with("HTTP/1.1 408"), "{slow}");

        let answer = send(
            address,
            b"GET /callback?state=s1&code=the-code HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert_eq!(waiting.await.unwrap().unwrap(), "the-code");
        // The flow is over: nobody listens any more.
        assert!(TcpStream::connect(address).await.is_err());
    }
}

//! curl's option table (curl 7.88, `curl --help all`): every long and short option,
//! whether it takes a value, and what it does to the request as the app reads it.
//! `tests/curl_options.rs` checks the table against the curl that is installed.

/// How a data option's value becomes body bytes (curl's manual, `--data` and friends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DataKind {
    /// `-d`, `--data`, `--data-ascii`: `@file` is read with CR and LF removed.
    Plain,
    /// `--data-binary`: `@file` is read as it is.
    Binary,
    /// `--data-raw`: `@` is just a character.
    Raw,
    /// `--data-urlencode`: `content`, `=content`, `name=content`, `@file`, `name@file`.
    UrlEncode,
}

/// What an option does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// The URL.
    Url,
    /// The method.
    Request,
    /// A header.
    Header,
    /// Body data.
    Data(DataKind),
    /// `--json`: body data, POST, and JSON content type and accept.
    Json,
    /// `-G`: the data goes into the query.
    Get,
    /// `--url-query`: a query parameter.
    UrlQuery,
    /// `-e`: a `Referer` header.
    Referer,
    /// `-b`: a `Cookie` header, or a cookie file.
    Cookie,
    /// `-g`: no URL globbing.
    Globoff,
    /// Changes the request or connection in a way the app cannot carry: dropped, with this
    /// reason in the notice.
    Drop(&'static str),
    /// Makes a request the app cannot send: refused, with this reason.
    Refuse(&'static str),
    /// Only changes what curl prints, where it writes or how it waits.
    Quiet,
}

/// One curl option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CurlOption {
    /// The long name, without `--`.
    pub long: &'static str,
    /// The short letter, if any.
    pub short: Option<char>,
    /// Whether it takes a value.
    pub takes_value: bool,
    /// What it does.
    pub effect: Effect,
}

const AUTH: &str = "the app signs in to Sage itself";
const TLS: &str = "the app always checks the server's certificate with its own trust store";
const PROXY: &str = "the app connects to the API directly";
const VERSION: &str = "the app chooses the HTTP version itself";
const AGENT: &str = "the app names itself in User-Agent";
const HEADERS: &str = "the app cannot send the headers it would add";
const HEAD: &str = "a HEAD request: the app sends GET, POST, PUT and DELETE only";
const FORM: &str = "a multipart form upload: the app sends JSON bodies only";
const UPLOAD: &str = "a file upload: the app sends JSON bodies only";
const CONFIG: &str = "options read from a file: paste the options themselves";
const NEXT: &str = "more than one request in one command: paste one at a time";
const TARGET: &str = "a custom request target: the app sends the path of the address itself";

use DataKind::{Binary, Plain, Raw, UrlEncode};
use Effect::{
    Cookie, Data, Drop, Get, Globoff, Header, Json, Quiet, Referer, Refuse, Request, Url, UrlQuery,
};

const fn opt(
    long: &'static str,
    short: Option<char>,
    takes_value: bool,
    effect: Effect,
) -> CurlOption {
    CurlOption {
        long,
        short,
        takes_value,
        effect,
    }
}

/// Every option of curl 7.88, in `curl --help all` order.
pub(super) const OPTIONS: &[CurlOption] = &[
    opt("abstract-unix-socket", None, true, Drop(PROXY)),
    opt("alt-svc", None, true, Quiet),
    opt("anyauth", None, false, Drop(AUTH)),
    opt("append", Some('a'), false, Quiet),
    opt("aws-sigv4", None, true, Drop(AUTH)),
    opt("basic", None, false, Drop(AUTH)),
    opt("cacert", None, true, Drop(TLS)),
    opt("capath", None, true, Drop(TLS)),
    opt("cert", Some('E'), true, Drop(TLS)),
    opt("cert-status", None, false, Drop(TLS)),
    opt("cert-type", None, true, Drop(TLS)),
    opt("ciphers", None, true, Drop(TLS)),
    opt("compressed", None, false, Quiet),
    opt("compressed-ssh", None, false, Quiet),
    opt("config", Some('K'), true, Refuse(CONFIG)),
    opt("connect-timeout", None, true, Quiet),
    opt("connect-to", None, true, Drop(PROXY)),
    opt("continue-at", Some('C'), true, Drop(HEADERS)),
    opt("cookie", Some('b'), true, Cookie),
    opt("cookie-jar", Some('c'), true, Quiet),
    opt("create-dirs", None, false, Quiet),
    opt("create-file-mode", None, true, Quiet),
    opt("crlf", None, false, Quiet),
    opt("crlfile", None, true, Drop(TLS)),
    opt("curves", None, true, Drop(TLS)),
    opt("data", Some('d'), true, Data(Plain)),
    opt("data-ascii", None, true, Data(Plain)),
    opt("data-binary", None, true, Data(Binary)),
    opt("data-raw", None, true, Data(Raw)),
    opt("data-urlencode", None, true, Data(UrlEncode)),
    opt("delegation", None, true, Drop(AUTH)),
    opt("digest", None, false, Drop(AUTH)),
    opt("disable", Some('q'), false, Quiet),
    opt("disable-eprt", None, false, Quiet),
    opt("disable-epsv", None, false, Quiet),
    opt("disallow-username-in-url", None, false, Drop(AUTH)),
    opt("dns-interface", None, true, Drop(PROXY)),
    opt("dns-ipv4-addr", None, true, Drop(PROXY)),
    opt("dns-ipv6-addr", None, true, Drop(PROXY)),
    opt("dns-servers", None, true, Drop(PROXY)),
    opt("doh-cert-status", None, false, Drop(TLS)),
    opt("doh-insecure", None, false, Drop(TLS)),
    opt("doh-url", None, true, Drop(PROXY)),
    opt("dump-header", Some('D'), true, Quiet),
    opt("egd-file", None, true, Drop(TLS)),
    opt("engine", None, true, Drop(TLS)),
    opt("etag-compare", None, true, Drop(HEADERS)),
    opt("etag-save", None, true, Quiet),
    opt("expect100-timeout", None, true, Quiet),
    opt("fail", Some('f'), false, Quiet),
    opt("fail-early", None, false, Quiet),
    opt("fail-with-body", None, false, Quiet),
    opt("false-start", None, false, Drop(TLS)),
    opt("form", Some('F'), true, Refuse(FORM)),
    opt("form-escape", None, false, Quiet),
    opt("form-string", None, true, Refuse(FORM)),
    opt("ftp-account", None, true, Quiet),
    opt("ftp-alternative-to-user", None, true, Quiet),
    opt("ftp-create-dirs", None, false, Quiet),
    opt("ftp-method", None, true, Quiet),
    opt("ftp-pasv", None, false, Quiet),
    opt("ftp-port", Some('P'), true, Quiet),
    opt("ftp-pret", None, false, Quiet),
    opt("ftp-skip-pasv-ip", None, false, Quiet),
    opt("ftp-ssl-ccc", None, false, Quiet),
    opt("ftp-ssl-ccc-mode", None, true, Quiet),
    opt("ftp-ssl-control", None, false, Quiet),
    opt("get", Some('G'), false, Get),
    opt("globoff", Some('g'), false, Globoff),
    opt("happy-eyeballs-timeout-ms", None, true, Drop(PROXY)),
    opt("haproxy-protocol", None, false, Drop(PROXY)),
    opt("head", Some('I'), false, Refuse(HEAD)),
    opt("header", Some('H'), true, Header),
    opt("help", Some('h'), true, Quiet),
    opt("hostpubmd5", None, true, Drop(TLS)),
    opt("hostpubsha256", None, true, Drop(TLS)),
    opt("hsts", None, true, Quiet),
    opt("http0.9", None, false, Drop(VERSION)),
    opt("http1.0", Some('0'), false, Drop(VERSION)),
    opt("http1.1", None, false, Drop(VERSION)),
    opt("http2", None, false, Drop(VERSION)),
    opt("http2-prior-knowledge", None, false, Drop(VERSION)),
    opt("http3", None, false, Drop(VERSION)),
    opt("http3-only", None, false, Drop(VERSION)),
    opt("ignore-content-length", None, false, Quiet),
    opt("include", Some('i'), false, Quiet),
    opt("insecure", Some('k'), false, Drop(TLS)),
    opt("interface", None, true, Drop(PROXY)),
    opt("ipv4", Some('4'), false, Drop(PROXY)),
    opt("ipv6", Some('6'), false, Drop(PROXY)),
    opt("json", None, true, Json),
    opt("junk-session-cookies", Some('j'), false, Quiet),
    opt("keepalive-time", None, true, Quiet),
    opt("key", None, true, Drop(TLS)),
    opt("key-type", None, true, Drop(TLS)),
    opt("krb", None, true, Drop(AUTH)),
    opt("libcurl", None, true, Quiet),
    opt("limit-rate", None, true, Quiet),
    opt("list-only", Some('l'), false, Quiet),
    opt("local-port", None, true, Drop(PROXY)),
    opt("location", Some('L'), false, Quiet),
    opt("location-trusted", None, false, Quiet),
    opt("login-options", None, true, Drop(AUTH)),
    opt("mail-auth", None, true, Quiet),
    opt("mail-from", None, true, Quiet),
    opt("mail-rcpt", None, true, Quiet),
    opt("mail-rcpt-allowfails", None, false, Quiet),
    opt("manual", Some('M'), false, Quiet),
    opt("max-filesize", None, true, Quiet),
    opt("max-redirs", None, true, Quiet),
    opt("max-time", Some('m'), true, Quiet),
    opt("metalink", None, false, Quiet),
    opt("negotiate", None, false, Drop(AUTH)),
    opt("netrc", Some('n'), false, Drop(AUTH)),
    opt("netrc-file", None, true, Drop(AUTH)),
    opt("netrc-optional", None, false, Drop(AUTH)),
    opt("next", Some(':'), false, Refuse(NEXT)),
    opt("no-alpn", None, false, Quiet),
    opt("no-buffer", Some('N'), false, Quiet),
    opt("no-clobber", None, false, Quiet),
    opt("no-keepalive", None, false, Quiet),
    opt("no-npn", None, false, Quiet),
    opt("no-progress-meter", None, false, Quiet),
    opt("no-sessionid", None, false, Quiet),
    opt("noproxy", None, true, Drop(PROXY)),
    opt("ntlm", None, false, Drop(AUTH)),
    opt("ntlm-wb", None, false, Drop(AUTH)),
    opt("oauth2-bearer", None, true, Drop(AUTH)),
    opt("output", Some('o'), true, Quiet),
    opt("output-dir", None, true, Quiet),
    opt("parallel", Some('Z'), false, Quiet),
    opt("parallel-immediate", None, false, Quiet),
    opt("parallel-max", None, true, Quiet),
    opt("pass", None, true, Drop(TLS)),
    opt("path-as-is", None, false, Quiet),
    opt("pinnedpubkey", None, true, Drop(TLS)),
    opt("post301", None, false, Quiet),
    opt("post302", None, false, Quiet),
    opt("post303", None, false, Quiet),
    opt("preproxy", None, true, Drop(PROXY)),
    opt("progress-bar", Some('#'), false, Quiet),
    opt("proto", None, true, Quiet),
    opt("proto-default", None, true, Quiet),
    opt("proto-redir", None, true, Quiet),
    opt("proxy", Some('x'), true, Drop(PROXY)),
    opt("proxy-anyauth", None, false, Drop(PROXY)),
    opt("proxy-basic", None, false, Drop(PROXY)),
    opt("proxy-cacert", None, true, Drop(PROXY)),
    opt("proxy-capath", None, true, Drop(PROXY)),
    opt("proxy-cert", None, true, Drop(PROXY)),
    opt("proxy-cert-type", None, true, Drop(PROXY)),
    opt("proxy-ciphers", None, true, Drop(PROXY)),
    opt("proxy-crlfile", None, true, Drop(PROXY)),
    opt("proxy-digest", None, false, Drop(PROXY)),
    opt("proxy-header", None, true, Drop(PROXY)),
    opt("proxy-insecure", None, false, Drop(PROXY)),
    opt("proxy-key", None, true, Drop(PROXY)),
    opt("proxy-key-type", None, true, Drop(PROXY)),
    opt("proxy-negotiate", None, false, Drop(PROXY)),
    opt("proxy-ntlm", None, false, Drop(PROXY)),
    opt("proxy-pass", None, true, Drop(PROXY)),
    opt("proxy-pinnedpubkey", None, true, Drop(PROXY)),
    opt("proxy-service-name", None, true, Drop(PROXY)),
    opt("proxy-ssl-allow-beast", None, false, Drop(PROXY)),
    opt("proxy-ssl-auto-client-cert", None, false, Drop(PROXY)),
    opt("proxy-tls13-ciphers", None, true, Drop(PROXY)),
    opt("proxy-tlsauthtype", None, true, Drop(PROXY)),
    opt("proxy-tlspassword", None, true, Drop(PROXY)),
    opt("proxy-tlsuser", None, true, Drop(PROXY)),
    opt("proxy-tlsv1", None, false, Drop(PROXY)),
    opt("proxy-user", Some('U'), true, Drop(PROXY)),
    opt("proxy1.0", None, true, Drop(PROXY)),
    opt("proxytunnel", Some('p'), false, Drop(PROXY)),
    opt("pubkey", None, true, Drop(TLS)),
    opt("quote", Some('Q'), true, Quiet),
    opt("random-file", None, true, Drop(TLS)),
    opt("range", Some('r'), true, Drop(HEADERS)),
    opt("rate", None, true, Quiet),
    opt("raw", None, false, Quiet),
    opt("referer", Some('e'), true, Referer),
    opt("remote-header-name", Some('J'), false, Quiet),
    opt("remote-name", Some('O'), false, Quiet),
    opt("remote-name-all", None, false, Quiet),
    opt("remote-time", Some('R'), false, Quiet),
    opt("remove-on-error", None, false, Quiet),
    opt("request", Some('X'), true, Request),
    opt("request-target", None, true, Refuse(TARGET)),
    opt("resolve", None, true, Drop(PROXY)),
    opt("retry", None, true, Quiet),
    opt("retry-all-errors", None, false, Quiet),
    opt("retry-connrefused", None, false, Quiet),
    opt("retry-delay", None, true, Quiet),
    opt("retry-max-time", None, true, Quiet),
    opt("sasl-authzid", None, true, Drop(AUTH)),
    opt("sasl-ir", None, false, Drop(AUTH)),
    opt("service-name", None, true, Drop(AUTH)),
    opt("show-error", Some('S'), false, Quiet),
    opt("silent", Some('s'), false, Quiet),
    opt("socks4", None, true, Drop(PROXY)),
    opt("socks4a", None, true, Drop(PROXY)),
    opt("socks5", None, true, Drop(PROXY)),
    opt("socks5-basic", None, false, Drop(PROXY)),
    opt("socks5-gssapi", None, false, Drop(PROXY)),
    opt("socks5-gssapi-nec", None, false, Drop(PROXY)),
    opt("socks5-gssapi-service", None, true, Drop(PROXY)),
    opt("socks5-hostname", None, true, Drop(PROXY)),
    opt("speed-limit", Some('Y'), true, Quiet),
    opt("speed-time", Some('y'), true, Quiet),
    opt("ssl", None, false, Drop(TLS)),
    opt("ssl-allow-beast", None, false, Drop(TLS)),
    opt("ssl-auto-client-cert", None, false, Drop(TLS)),
    opt("ssl-no-revoke", None, false, Drop(TLS)),
    opt("ssl-reqd", None, false, Drop(TLS)),
    opt("ssl-revoke-best-effort", None, false, Drop(TLS)),
    opt("sslv2", Some('2'), false, Drop(TLS)),
    opt("sslv3", Some('3'), false, Drop(TLS)),
    opt("stderr", None, true, Quiet),
    opt("styled-output", None, false, Quiet),
    opt("suppress-connect-headers", None, false, Quiet),
    opt("tcp-fastopen", None, false, Quiet),
    opt("tcp-nodelay", None, false, Quiet),
    opt("telnet-option", Some('t'), true, Quiet),
    opt("tftp-blksize", None, true, Quiet),
    opt("tftp-no-options", None, false, Quiet),
    opt("time-cond", Some('z'), true, Drop(HEADERS)),
    opt("tls-max", None, true, Drop(TLS)),
    opt("tls13-ciphers", None, true, Drop(TLS)),
    opt("tlsauthtype", None, true, Drop(TLS)),
    opt("tlspassword", None, true, Drop(TLS)),
    opt("tlsuser", None, true, Drop(TLS)),
    opt("tlsv1", Some('1'), false, Drop(TLS)),
    opt("tlsv1.0", None, false, Drop(TLS)),
    opt("tlsv1.1", None, false, Drop(TLS)),
    opt("tlsv1.2", None, false, Drop(TLS)),
    opt("tlsv1.3", None, false, Drop(TLS)),
    opt("tr-encoding", None, false, Drop(HEADERS)),
    opt("trace", None, true, Quiet),
    opt("trace-ascii", None, true, Quiet),
    opt("trace-time", None, false, Quiet),
    opt("unix-socket", None, true, Drop(PROXY)),
    opt("upload-file", Some('T'), true, Refuse(UPLOAD)),
    opt("url", None, true, Url),
    opt("url-query", None, true, UrlQuery),
    opt("use-ascii", Some('B'), false, Quiet),
    opt("user", Some('u'), true, Drop(AUTH)),
    opt("user-agent", Some('A'), true, Drop(AGENT)),
    opt("verbose", Some('v'), false, Quiet),
    opt("version", Some('V'), false, Quiet),
    opt("write-out", Some('w'), true, Quiet),
    opt("xattr", None, false, Quiet),
];

/// How a word names an option.
pub(super) enum Found {
    /// The option (and, for `--no-x`, that it is switched off).
    Option(&'static CurlOption, bool),
    /// A prefix of more than one long option.
    Ambiguous,
    /// Not an option curl knows.
    Unknown,
}

/// The long option `name` names: exactly, as `no-` and a switch, or as the one long option
/// it is a prefix of (curl accepts `--verb` for `--verbose`).
pub(super) fn long(name: &str) -> Found {
    if let Some(option) = OPTIONS.iter().find(|o| o.long == name) {
        return Found::Option(option, false);
    }
    if let Some(switch) = name.strip_prefix("no-")
        && let Some(option) = OPTIONS.iter().find(|o| o.long == switch && !o.takes_value)
    {
        return Found::Option(option, true);
    }
    let mut matching = OPTIONS.iter().filter(|o| o.long.starts_with(name));
    match (matching.next(), matching.next()) {
        (Some(option), None) => Found::Option(option, false),
        (Some(_), Some(_)) => Found::Ambiguous,
        (None, _) => Found::Unknown,
    }
}

/// The option a short letter names.
pub(super) fn short(letter: char) -> Option<&'static CurlOption> {
    OPTIONS.iter().find(|o| o.short == Some(letter))
}

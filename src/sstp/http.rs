//! The HTTP exchange that opens an SSTP connection ([MS-SSTP] §4.1 and the
//! client-establishment part of §3.2): the client's `SSTP_DUPLEX_POST` request and the server's response,
//! read from the start of a byte stream (plaintext, or TLS application data
//! once decrypted).
//!
//! The parsers are push-based: bytes arrive as TCP or TLS delivers them, and
//! a head split anywhere is put back together in a buffer bounded by
//! [`MAX_HEAD_LEN`]. Once the blank line ending the head is seen, the parser
//! says where it ended: every byte after it in that direction is SSTP
//! packets ([`super::stream`]). Some clients send their first SSTP packets
//! in the same record as the request, without waiting for the response, so
//! the bytes after the head in the same push are handed back, not dropped.
//!
//! Header values come from the capture: they are kept as lossy UTF-8,
//! bounded in number and length, and not escaped here (renderers escape).

use serde::ser::{SerializeMap, Serializer};

/// The most bytes a request or response head may take, blank line included.
/// The SSTP request is under 300 bytes; a head that does not end within
/// this is not SSTP.
pub const MAX_HEAD_LEN: usize = 16 * 1024;

/// Header fields kept per head; more are counted and dropped.
pub const MAX_HEADERS: usize = 64;

/// Bytes kept of one header value; a longer value is cut (at a character
/// boundary) and the cut reported.
pub const MAX_VALUE_LEN: usize = 1024;

/// The method of the SSTP request ([MS-SSTP] §4.1).
pub const SSTP_METHOD: &str = "SSTP_DUPLEX_POST";

/// The request URI of SSTP ([MS-SSTP] §4.1), with the GUID as the spec
/// writes it (a lower-case "b" in "458b").
pub const SSTP_URI: &str = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/";

/// The Content-Length both sides send: ULONGLONG_MAX, since the body is the
/// rest of the connection ([MS-SSTP] §4.1).
pub const SSTP_CONTENT_LENGTH: &str = "18446744073709551615";

/// The header carrying the client's correlation GUID ([MS-SSTP] §4.1).
pub const CORRELATION_ID_HEADER: &str = "SSTPCORRELATIONID";

const URI_PREFIX: &str = "/sra_{";
const URI_GUID: &str = "BA195980-CD49-458b-9E23-C84EE0ADCD75";
const URI_SUFFIX: &str = "}/";

/// Methods recognised as plain HTTP by [`classify_request_start`].
const HTTP_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// How much of a start line [`classify_request_start`] reports.
const MAX_REPORTED_LINE: usize = 1024;

/// One header field, in the order it was sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeaderField {
    pub name: String,
    pub value: String,
}

/// The header fields of a head, in order. Lookups ignore the case of the
/// name, as HTTP field names are case-insensitive (RFC 9110 §5.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Headers(Vec<HeaderField>);

impl Headers {
    /// The value of the first field named `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
    }

    /// Every value of the fields named `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
    }

    /// How many fields are named `name`.
    pub fn count(&self, name: &str) -> usize {
        self.get_all(name).count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &HeaderField> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Something wrong in a request or response head that still parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Lines end in a bare LF rather than CRLF (RFC 9112 §2.2 lets a
    /// recipient accept it).
    BareLineFeed,
    /// A header line (1-based, counting the start line) with no colon or an
    /// empty or spaced name; it was skipped.
    MalformedHeaderLine { line: usize },
    /// A header line starting with white space, continuing the previous
    /// value (obsolete line folding, RFC 9112 §5.2).
    ObsoleteLineFolding { line: usize },
    /// More than [`MAX_HEADERS`] fields; this many were dropped.
    TooManyHeaders { dropped: usize },
    /// A value longer than [`MAX_VALUE_LEN`] bytes was cut.
    ValueTruncated { name: String },
    /// The method is `SSTP_DUPLEX_POST` in other letter case: accel-ppp
    /// accepts it, but HTTP methods are case-sensitive (RFC 9110 §9.1).
    MethodCase { method: String },
    /// The method is not `SSTP_DUPLEX_POST`: this is HTTP, not SSTP.
    MethodNotSstp { method: String },
    /// The request URI is not the SSTP one; `detail` says what differs.
    UriMismatch { detail: String },
    /// The version is not `HTTP/1.1`, which the server checks for.
    VersionNotHttp11 { version: String },
    /// No Host field, or an empty one.
    HostMissing,
    /// A field that must appear once appears `count` times.
    HeaderRepeated { name: String, count: usize },
    /// No Content-Length field.
    ContentLengthMissing,
    /// Content-Length is not 18446744073709551615 (ULONGLONG_MAX).
    ContentLengthNotMax { value: String },
}

impl Problem {
    /// Stable snake_case identifier for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::BareLineFeed => "bare_line_feed",
            Problem::MalformedHeaderLine { .. } => "malformed_header_line",
            Problem::ObsoleteLineFolding { .. } => "obsolete_line_folding",
            Problem::TooManyHeaders { .. } => "too_many_headers",
            Problem::ValueTruncated { .. } => "value_truncated",
            Problem::MethodCase { .. } => "method_case",
            Problem::MethodNotSstp { .. } => "method_not_sstp",
            Problem::UriMismatch { .. } => "uri_mismatch",
            Problem::VersionNotHttp11 { .. } => "version_not_http_1_1",
            Problem::HostMissing => "host_missing",
            Problem::HeaderRepeated { .. } => "header_repeated",
            Problem::ContentLengthMissing => "content_length_missing",
            Problem::ContentLengthNotMax { .. } => "content_length_not_max",
        }
    }

    /// One sentence saying what is wrong. Capture text in it is not escaped.
    pub fn describe(&self) -> String {
        match self {
            Problem::BareLineFeed => {
                "lines end in a bare LF instead of CRLF; Windows peers send CRLF".to_string()
            }
            Problem::MalformedHeaderLine { line } => {
                format!("line {line} is not a \"name: value\" header field; it was skipped")
            }
            Problem::ObsoleteLineFolding { line } => format!(
                "line {line} starts with white space, folding the previous value (obsolete in \
                 RFC 9112 §5.2)"
            ),
            Problem::TooManyHeaders { dropped } => {
                format!("more than {MAX_HEADERS} header fields; {dropped} were not kept")
            }
            Problem::ValueTruncated { name } => {
                format!("the value of \"{name}\" is longer than {MAX_VALUE_LEN} bytes and was cut")
            }
            Problem::MethodCase { method } => format!(
                "the method is \"{method}\", {SSTP_METHOD} in other letter case; accel-ppp \
                 accepts it, HTTP methods are case-sensitive"
            ),
            Problem::MethodNotSstp { method } => {
                format!("the method is \"{method}\", not {SSTP_METHOD}: HTTP, not SSTP")
            }
            Problem::UriMismatch { detail } => {
                format!("the request URI is not {SSTP_URI}: {detail}")
            }
            Problem::VersionNotHttp11 { version } => format!(
                "the version is \"{version}\"; an SSTP server checks for HTTP/1.1 and refuses \
                 other versions"
            ),
            Problem::HostMissing => "there is no Host field (or it is empty)".to_string(),
            Problem::HeaderRepeated { name, count } => {
                format!("\"{name}\" appears {count} times; it should appear once")
            }
            Problem::ContentLengthMissing => format!(
                "there is no Content-Length field; SSTP sends {SSTP_CONTENT_LENGTH} \
                 (ULONGLONG_MAX)"
            ),
            Problem::ContentLengthNotMax { value } => {
                format!("Content-Length is \"{value}\", not {SSTP_CONTENT_LENGTH} (ULONGLONG_MAX)")
            }
        }
    }
}

impl serde::Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("detail", &self.describe())?;
        map.end()
    }
}

/// Why a head could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// No blank line within [`MAX_HEAD_LEN`] bytes.
    #[error("HTTP head longer than {limit} bytes without a blank line")]
    HeadTooLong { limit: usize },
    /// The first line is not "method SP request-target SP version".
    #[error("not an HTTP request line: {line:?}")]
    MalformedRequestLine { line: String },
    /// The first line is not "HTTP-version SP 3-digit-code [SP reason]".
    #[error("not an HTTP status line: {line:?}")]
    MalformedStatusLine { line: String },
    /// The parser already completed or failed; bytes after the head belong
    /// to the SSTP stream.
    #[error("HTTP head already parsed")]
    Finished,
}

impl HttpError {
    /// Stable snake_case identifier for reports.
    pub fn code(&self) -> &'static str {
        match self {
            HttpError::HeadTooLong { .. } => "head_too_long",
            HttpError::MalformedRequestLine { .. } => "malformed_request_line",
            HttpError::MalformedStatusLine { .. } => "malformed_status_line",
            HttpError::Finished => "finished",
        }
    }
}

/// The client's request ([MS-SSTP] §4.1), with the checks a
/// server makes on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SstpRequest {
    pub method: String,
    /// The request target as sent.
    pub uri: String,
    pub version: String,
    pub headers: Headers,
    /// The method is exactly `SSTP_DUPLEX_POST`.
    pub method_ok: bool,
    /// The URI is [`SSTP_URI`], the GUID compared without regard to case.
    pub uri_ok: bool,
    pub host: Option<String>,
    pub content_length: Option<String>,
    /// Content-Length is 18446744073709551615.
    pub content_length_ok: bool,
    /// The `SSTPCORRELATIONID` value, a GUID in braces from Windows clients.
    pub correlation_id: Option<String>,
    /// A Cookie field is present (a client that bypasses higher-layer
    /// authentication sends one, [MS-SSTP] §4.1; its exact form was not
    /// checked).
    pub has_cookie: bool,
    pub problems: Vec<Problem>,
    /// Bytes of the head, blank line included: the stream offset where SSTP
    /// packets begin.
    pub head_len: usize,
}

/// The server's response ([MS-SSTP] §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SstpResponse {
    pub version: String,
    pub status_code: u16,
    /// The reason phrase as sent (Windows sends an empty one).
    pub reason: String,
    pub headers: Headers,
    pub content_length: Option<String>,
    pub problems: Vec<Problem>,
    /// Bytes of the head, blank line included: the stream offset where SSTP
    /// packets begin.
    pub head_len: usize,
}

impl SstpResponse {
    /// True for 200, the only answer that opens the SSTP channel.
    pub fn accepted(&self) -> bool {
        self.status_code == 200
    }

    /// What the status code means for SSTP, in plain words.
    pub fn meaning(&self) -> &'static str {
        status_meaning(self.status_code)
    }
}

/// Serialises every field plus `accepted` and `meaning`.
impl serde::Serialize for SstpResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &self.version)?;
        map.serialize_entry("status_code", &self.status_code)?;
        map.serialize_entry("reason", &self.reason)?;
        map.serialize_entry("accepted", &self.accepted())?;
        map.serialize_entry("meaning", self.meaning())?;
        map.serialize_entry("headers", &self.headers)?;
        map.serialize_entry("content_length", &self.content_length)?;
        map.serialize_entry("problems", &self.problems)?;
        map.serialize_entry("head_len", &self.head_len)?;
        map.end()
    }
}

/// What an HTTP status code means for an SSTP connection. The spec only says
/// that a failed check gets an error status after which no more data
/// follows ([MS-SSTP] §4.1); the readings of the codes are HTTP's
/// (RFC 9110 §15) applied to SSTP and to the servers accel-ppp models.
pub fn status_meaning(code: u16) -> &'static str {
    match code {
        200 => "OK: the server accepted the SSTP connection; SSTP packets follow in both directions",
        100..=199 => "informational: a final response should follow",
        201..=299 => "a success code other than 200; SSTP expects exactly 200",
        301 | 302 | 303 | 307 | 308 => {
            "redirect: the server points elsewhere; SSTP has no redirect step, so the call does not go ahead here"
        }
        400 => "Bad Request: the server found the request malformed (method, HTTP version or headers)",
        401 => "Unauthorized: a web server asks for HTTP authentication, which is not part of SSTP; probably not an SSTP listener",
        403 => "Forbidden: refused, usually by a proxy or a web server in front of the SSTP server",
        404 => "Not Found: wrong URI or Host; no SSTP listener at this address, or another web server answered",
        405 => "Method Not Allowed: a web server that does not know SSTP_DUPLEX_POST answered",
        407 => "Proxy Authentication Required: a proxy between client and server wants credentials",
        500 => "Internal Server Error: the server failed while setting up the call",
        501 => "Not Implemented: the server does not support SSTP_DUPLEX_POST; not an SSTP server",
        502 | 504 => "bad gateway or gateway timeout: a proxy or TLS offloader could not reach the SSTP server",
        503 => "Service Unavailable: the server is not taking SSTP calls now (service stopped or no free port)",
        505 => "HTTP Version Not Supported: the server wants HTTP/1.1",
        402 | 406 | 408..=499 => "client error: the server refused the request",
        506..=599 => "server error: the server could not take the call",
        _ => "not a standard HTTP status code",
    }
}

/// Progress of a head parser after a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadProgress<T> {
    /// The blank line has not been seen yet.
    NeedMore,
    /// The head is complete. `rest_start` is where, in the bytes of this
    /// push, the SSTP stream begins (equal to their length when nothing
    /// followed the head); `head.head_len` is the same point as a stream
    /// offset.
    Complete { head: T, rest_start: usize },
}

/// The bounded buffer shared by both parsers: collects bytes until the
/// blank line.
#[derive(Debug, Clone, Default)]
struct HeadBuffer {
    buf: Vec<u8>,
    /// Where the search for the blank line resumes.
    scanned: usize,
    finished: bool,
}

/// The end of the head (index after its blank line) in `buf`, searching for
/// the LF that ends the last header line from `from`. Accepts CRLF and bare
/// LF line ends.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let tail = buf.get(from..)?;
    tail.iter().enumerate().find_map(|(i, &b)| {
        if b != b'\n' {
            return None;
        }
        let at = from + i;
        match (buf.get(at + 1), buf.get(at + 2)) {
            (Some(b'\n'), _) => Some(at + 2),
            (Some(b'\r'), Some(b'\n')) => Some(at + 3),
            _ => None,
        }
    })
}

impl HeadBuffer {
    /// Adds the bytes of one push. On the blank line returns the head bytes
    /// and where SSTP begins in `bytes`.
    fn push(&mut self, bytes: &[u8]) -> Result<Option<(&[u8], usize)>, HttpError> {
        if self.finished {
            return Err(HttpError::Finished);
        }
        let old = self.buf.len();
        let room = MAX_HEAD_LEN.saturating_sub(old);
        self.buf.extend_from_slice(bytes.get(..room).unwrap_or(bytes));
        if let Some(end) = find_head_end(&self.buf, self.scanned) {
            self.finished = true;
            self.buf.truncate(end);
            return Ok(Some((&self.buf, end.saturating_sub(old))));
        }
        // A blank line cut by the push boundary starts at most two bytes
        // back (LF, or LF CR).
        self.scanned = self.buf.len().saturating_sub(2);
        if self.buf.len() >= MAX_HEAD_LEN {
            self.finished = true;
            self.buf = Vec::new();
            return Err(HttpError::HeadTooLong { limit: MAX_HEAD_LEN });
        }
        Ok(None)
    }
}

/// Cuts `s` to at most `max` bytes at a character boundary.
fn truncate_at_char(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let cut = (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    s.truncate(cut);
    true
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn bounded_line(bytes: &[u8]) -> String {
    let mut s = lossy(bytes);
    truncate_at_char(&mut s, MAX_REPORTED_LINE);
    s
}

/// A head cut into its start line and header fields.
struct ParsedHead {
    start_line: Vec<u8>,
    headers: Headers,
    problems: Vec<Problem>,
}

/// Splits a complete head (blank line included) into lines and reads the
/// header fields (RFC 9112 §5), with the bounds of this module.
fn split_head(head: &[u8]) -> ParsedHead {
    let mut problems = Vec::new();
    let mut bare_lf = false;
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| match line.strip_suffix(b"\r") {
            Some(stripped) => stripped,
            None => {
                bare_lf = true;
                line
            }
        });
    let start_line = lines.next().unwrap_or(&[]).to_vec();
    let mut fields: Vec<HeaderField> = Vec::new();
    let mut dropped = 0usize;
    let mut truncated: Vec<String> = Vec::new();
    for (index, line) in lines.enumerate() {
        if line.is_empty() {
            break;
        }
        let line_no = index + 2;
        if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            match fields.last_mut() {
                Some(previous) => {
                    problems.push(Problem::ObsoleteLineFolding { line: line_no });
                    previous.value.push(' ');
                    previous.value.push_str(lossy(line).trim_matches([' ', '\t']));
                    if truncate_at_char(&mut previous.value, MAX_VALUE_LEN)
                        && !truncated.contains(&previous.name)
                    {
                        truncated.push(previous.name.clone());
                    }
                }
                None => problems.push(Problem::MalformedHeaderLine { line: line_no }),
            }
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            problems.push(Problem::MalformedHeaderLine { line: line_no });
            continue;
        };
        let name = line.get(..colon).unwrap_or(&[]);
        if name.is_empty() || name.iter().any(|b| b.is_ascii_whitespace()) {
            problems.push(Problem::MalformedHeaderLine { line: line_no });
            continue;
        }
        if fields.len() >= MAX_HEADERS {
            dropped += 1;
            continue;
        }
        let name = lossy(name);
        let mut value = lossy(line.get(colon + 1..).unwrap_or(&[]))
            .trim_matches([' ', '\t'])
            .to_string();
        if truncate_at_char(&mut value, MAX_VALUE_LEN) {
            truncated.push(name.clone());
        }
        fields.push(HeaderField { name, value });
    }
    if bare_lf {
        problems.insert(0, Problem::BareLineFeed);
    }
    if dropped > 0 {
        problems.push(Problem::TooManyHeaders { dropped });
    }
    problems.extend(truncated.into_iter().map(|name| Problem::ValueTruncated { name }));
    ParsedHead {
        start_line,
        headers: Headers(fields),
        problems,
    }
}

/// The Host, Content-Length checks shared by request and response: the
/// Content-Length value and whether it is ULONGLONG_MAX.
fn check_content_length(headers: &Headers, problems: &mut Vec<Problem>) -> (Option<String>, bool) {
    let count = headers.count("Content-Length");
    if count > 1 {
        problems.push(Problem::HeaderRepeated {
            name: "Content-Length".to_string(),
            count,
        });
    }
    match headers.get("Content-Length") {
        None => {
            problems.push(Problem::ContentLengthMissing);
            (None, false)
        }
        Some(value) => {
            let ok = value == SSTP_CONTENT_LENGTH;
            if !ok {
                problems.push(Problem::ContentLengthNotMax {
                    value: value.to_string(),
                });
            }
            (Some(value.to_string()), ok)
        }
    }
}

/// Compares a request URI with [`SSTP_URI`]: the GUID without regard to
/// case, everything else exactly. `None` when it matches, else what
/// differs, in words.
pub fn uri_difference(uri: &str) -> Option<String> {
    let guid_of = |u: &str| -> Option<String> {
        u.strip_prefix(URI_PREFIX)
            .and_then(|rest| rest.split_once('}'))
            .map(|(guid, _)| guid.to_string())
    };
    let exact_but_guid_case = uri.len() == SSTP_URI.len()
        && uri.starts_with(URI_PREFIX)
        && uri.ends_with(URI_SUFFIX)
        && guid_of(uri).is_some_and(|g| g.eq_ignore_ascii_case(URI_GUID));
    if exact_but_guid_case {
        return None;
    }
    let lower = uri.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(format!(
            "it is an absolute URI (\"{uri}\"); SSTP clients send the path alone"
        ));
    }
    if uri.eq_ignore_ascii_case(SSTP_URI) {
        return Some(format!(
            "\"{uri}\" differs in letter case outside the GUID; only the GUID may differ in case"
        ));
    }
    let guid_ok = guid_of(uri).is_some_and(|g| g.eq_ignore_ascii_case(URI_GUID));
    let base_len = URI_PREFIX.len() + URI_GUID.len() + 1;
    if guid_ok {
        let after_guid = uri.get(base_len..).unwrap_or("");
        if after_guid.is_empty() {
            return Some("the trailing \"/\" after the GUID's \"}\" is missing".to_string());
        }
        if let Some(extra) = after_guid.strip_prefix('/') {
            return Some(format!("extra text \"{extra}\" follows the SSTP path"));
        }
    }
    if let Some(guid) = guid_of(uri) {
        if !guid_ok {
            return Some(format!("the GUID is {{{guid}}}, SSTP's is {{{URI_GUID}}}"));
        }
    }
    Some(format!("the path is \"{uri}\""))
}

/// Reads "method SP request-target SP HTTP-version" (RFC 9112 §3).
fn split_request_line(line: &str) -> Option<(&str, &str, &str)> {
    let (method, rest) = line.split_once(' ')?;
    let (uri, version) = rest.rsplit_once(' ')?;
    let valid = !method.is_empty() && !uri.is_empty() && !version.is_empty() && !version.contains(' ');
    valid.then_some((method, uri, version))
}

fn build_request(head: &[u8]) -> Result<SstpRequest, HttpError> {
    let ParsedHead {
        start_line,
        headers,
        mut problems,
    } = split_head(head);
    let line = lossy(&start_line);
    let Some((method, uri, version)) = split_request_line(&line) else {
        return Err(HttpError::MalformedRequestLine {
            line: bounded_line(&start_line),
        });
    };
    let mut start_problems = Vec::new();
    let method_ok = method == SSTP_METHOD;
    if !method_ok {
        start_problems.push(if method.eq_ignore_ascii_case(SSTP_METHOD) {
            Problem::MethodCase {
                method: method.to_string(),
            }
        } else {
            Problem::MethodNotSstp {
                method: method.to_string(),
            }
        });
    }
    let difference = uri_difference(uri);
    let uri_ok = difference.is_none();
    if let Some(detail) = difference {
        start_problems.push(Problem::UriMismatch { detail });
    }
    if version != "HTTP/1.1" {
        start_problems.push(Problem::VersionNotHttp11 {
            version: version.to_string(),
        });
    }
    let host = headers.get("Host").map(str::to_string);
    if host.as_deref().is_none_or(str::is_empty) {
        start_problems.push(Problem::HostMissing);
    }
    let host_count = headers.count("Host");
    if host_count > 1 {
        start_problems.push(Problem::HeaderRepeated {
            name: "Host".to_string(),
            count: host_count,
        });
    }
    let (content_length, content_length_ok) = check_content_length(&headers, &mut start_problems);
    start_problems.append(&mut problems);
    Ok(SstpRequest {
        method: method.to_string(),
        uri: uri.to_string(),
        version: version.to_string(),
        method_ok,
        uri_ok,
        host,
        content_length,
        content_length_ok,
        correlation_id: headers.get(CORRELATION_ID_HEADER).map(str::to_string),
        has_cookie: headers.get("Cookie").is_some(),
        headers,
        problems: start_problems,
        head_len: head.len(),
    })
}

/// Reads "HTTP-version SP status-code SP [reason-phrase]" (RFC 9112 §4); a
/// missing space before an empty reason is tolerated.
fn split_status_line(line: &str) -> Option<(&str, u16, &str)> {
    let (version, rest) = line.split_once(' ')?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    let code_text = rest.get(..3)?;
    if !code_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code = code_text.parse().ok()?;
    let after = rest.get(3..)?;
    let reason = match after.strip_prefix(' ') {
        Some(reason) => reason,
        None if after.is_empty() => "",
        None => return None,
    };
    Some((version, code, reason))
}

fn build_response(head: &[u8]) -> Result<SstpResponse, HttpError> {
    let ParsedHead {
        start_line,
        headers,
        mut problems,
    } = split_head(head);
    let line = lossy(&start_line);
    let Some((version, status_code, reason)) = split_status_line(&line) else {
        return Err(HttpError::MalformedStatusLine {
            line: bounded_line(&start_line),
        });
    };
    let mut start_problems = Vec::new();
    if version != "HTTP/1.1" {
        start_problems.push(Problem::VersionNotHttp11 {
            version: version.to_string(),
        });
    }
    // Only an accepting response announces the endless body.
    let content_length = if status_code == 200 {
        check_content_length(&headers, &mut start_problems).0
    } else {
        headers.get("Content-Length").map(str::to_string)
    };
    start_problems.append(&mut problems);
    Ok(SstpResponse {
        version: version.to_string(),
        status_code,
        reason: reason.to_string(),
        headers,
        content_length,
        problems: start_problems,
        head_len: head.len(),
    })
}

/// Push parser for the client's request head. Feed it the client→server
/// bytes from the first one; it completes at the blank line.
#[derive(Debug, Clone, Default)]
pub struct RequestParser {
    head: HeadBuffer,
}

impl RequestParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next bytes. After `Complete` or an error every further push
    /// is [`HttpError::Finished`].
    pub fn push(&mut self, bytes: &[u8]) -> Result<HeadProgress<SstpRequest>, HttpError> {
        match self.head.push(bytes)? {
            None => Ok(HeadProgress::NeedMore),
            Some((head, rest_start)) => Ok(HeadProgress::Complete {
                head: build_request(head)?,
                rest_start,
            }),
        }
    }

    /// Bytes held while waiting for the blank line.
    pub fn buffered(&self) -> usize {
        self.head.buf.len()
    }
}

/// Push parser for the server's response head. Feed it the server→client
/// bytes from the first one; it completes at the blank line.
#[derive(Debug, Clone, Default)]
pub struct ResponseParser {
    head: HeadBuffer,
}

impl ResponseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next bytes. After `Complete` or an error every further push
    /// is [`HttpError::Finished`].
    pub fn push(&mut self, bytes: &[u8]) -> Result<HeadProgress<SstpResponse>, HttpError> {
        match self.head.push(bytes)? {
            None => Ok(HeadProgress::NeedMore),
            Some((head, rest_start)) => Ok(HeadProgress::Complete {
                head: build_response(head)?,
                rest_start,
            }),
        }
    }

    /// Bytes held while waiting for the blank line.
    pub fn buffered(&self) -> usize {
        self.head.buf.len()
    }
}

/// What the first bytes a client sent on a TCP connection (or inside TLS)
/// look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStart {
    /// Starts with "SSTP_DUPLEX_POST " (letter case ignored, as accel-ppp
    /// does).
    Sstp,
    /// An HTTP request of another method: HTTP, not SSTP. `request_line` is
    /// the first line as far as the bytes hold it (at most 1 KiB), lossy
    /// UTF-8, not escaped.
    Http { request_line: String },
    /// Too few bytes to tell: they are the start of "SSTP_DUPLEX_POST " or
    /// of a known HTTP method.
    Undecided,
    /// Neither.
    Other,
}

fn starts_with_ignore_case(buf: &[u8], prefix: &[u8]) -> bool {
    buf.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The first line of `buf` (up to CR or LF), bounded.
fn first_line(buf: &[u8]) -> String {
    let end = buf
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(buf.len());
    bounded_line(buf.get(..end).unwrap_or(buf))
}

/// Recognises SSTP's request, or another HTTP request, at the start of a
/// client's byte stream, on any port ([MS-SSTP] §4.1). A request of an
/// unlisted method is recognised once its whole first line is there and
/// ends in an HTTP version.
pub fn classify_request_start(buf: &[u8]) -> RequestStart {
    const SSTP_PREFIX: &[u8] = b"SSTP_DUPLEX_POST ";
    if starts_with_ignore_case(buf, SSTP_PREFIX) {
        return RequestStart::Sstp;
    }
    let mut undecided = starts_with_ignore_case(SSTP_PREFIX, buf);
    for method in HTTP_METHODS {
        let method = method.as_bytes();
        match buf.strip_prefix(method) {
            Some(rest) if rest.first() == Some(&b' ') => {
                return RequestStart::Http {
                    request_line: first_line(buf),
                };
            }
            Some([]) => undecided = true,
            _ => undecided |= method.starts_with(buf),
        }
    }
    if undecided {
        return RequestStart::Undecided;
    }
    // Any token method, once the line is complete: "TOKEN SP target SP HTTP/x".
    let Some(end) = buf.iter().position(|&b| b == b'\r' || b == b'\n') else {
        return RequestStart::Other;
    };
    let line = buf.get(..end).unwrap_or(&[]);
    let Ok(text) = std::str::from_utf8(line) else {
        return RequestStart::Other;
    };
    match split_request_line(text) {
        Some((method, _, version))
            if version.starts_with("HTTP/")
                && method
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            RequestStart::Http {
                request_line: bounded_line(line),
            }
        }
        _ => RequestStart::Other,
    }
}

/// True when `buf` starts with "SSTP_DUPLEX_POST " (letter case ignored):
/// plaintext SSTP on any TCP port, or the first bytes inside TLS.
pub fn looks_like_sstp_request(buf: &[u8]) -> bool {
    classify_request_start(buf) == RequestStart::Sstp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::mschapv2::tests::hex;
    use serde_json::json;

    // Decrypted TLS application data of ajbanjara_Wireshark__sstp2.pcap
    // (MANIFEST S1), read with tshark and the server's RSA key
    // (`-o 'uat:rsa_keys:"…vpn-server-legit.key.pem",""' -x`). The client
    // sent the request as two TLS records, of 1 and 199 bytes (the CBC
    // 1/n-1 record split).
    /// Frame 125, client → server.
    const REAL_REQUEST: &str = "
        53 53 54 50 5f 44 55 50 4c 45 58 5f 50 4f 53 54 20 2f 73 72 61 5f 7b 42 41 31 39 35 39 38 30 2d
        43 44 34 39 2d 34 35 38 62 2d 39 45 32 33 2d 43 38 34 45 45 30 41 44 43 44 37 35 7d 2f 20 48 54
        54 50 2f 31 2e 31 0d 0a 53 53 54 50 43 4f 52 52 45 4c 41 54 49 4f 4e 49 44 3a 20 7b 31 39 37 33
        30 44 36 30 2d 39 30 41 30 2d 34 36 32 33 2d 38 43 34 34 2d 36 38 38 44 37 36 32 41 41 41 31 36
        7d 0d 0a 43 6f 6e 74 65 6e 74 2d 4c 65 6e 67 74 68 3a 20 31 38 34 34 36 37 34 34 30 37 33 37 30
        39 35 35 31 36 31 35 0d 0a 48 6f 73 74 3a 20 76 70 6e 2d 73 65 72 76 65 72 2e 70 72 6f 33 2e 6c
        6f 63 61 6c 0d 0a 0d 0a";
    /// Frame 126, server → client: note the empty reason phrase.
    const REAL_RESPONSE: &str = "
        48 54 54 50 2f 31 2e 31 20 32 30 30 20 0d 0a 43 6f 6e 74 65 6e 74 2d 4c 65 6e 67 74 68 3a 20 31
        38 34 34 36 37 34 34 30 37 33 37 30 39 35 35 31 36 31 35 0d 0a 53 65 72 76 65 72 3a 20 4d 69 63
        72 6f 73 6f 66 74 2d 48 54 54 50 41 50 49 2f 32 2e 30 0d 0a 44 61 74 65 3a 20 57 65 64 2c 20 32
        33 20 4a 61 6e 20 32 30 31 33 20 30 39 3a 31 30 3a 34 33 20 47 4d 54 0d 0a 0d 0a";
    /// Frame 127: the Call Connect Request that followed the request.
    const REAL_CONNECT_REQUEST: &str = "10 01 00 0e 00 01 00 01 00 01 00 06 00 01";

    fn field(name: &str, value: &str) -> HeaderField {
        HeaderField {
            name: name.to_string(),
            value: value.to_string(),
        }
    }

    fn real_request() -> SstpRequest {
        SstpRequest {
            method: "SSTP_DUPLEX_POST".into(),
            uri: "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/".into(),
            version: "HTTP/1.1".into(),
            headers: Headers(vec![
                field("SSTPCORRELATIONID", "{19730D60-90A0-4623-8C44-688D762AAA16}"),
                field("Content-Length", "18446744073709551615"),
                field("Host", "vpn-server.pro3.local"),
            ]),
            method_ok: true,
            uri_ok: true,
            host: Some("vpn-server.pro3.local".into()),
            content_length: Some("18446744073709551615".into()),
            content_length_ok: true,
            correlation_id: Some("{19730D60-90A0-4623-8C44-688D762AAA16}".into()),
            has_cookie: false,
            problems: vec![],
            head_len: 200,
        }
    }

    /// Parses a whole request pushed at once.
    fn request(text: &str) -> Result<SstpRequest, HttpError> {
        match RequestParser::new().push(text.as_bytes())? {
            HeadProgress::Complete { head, .. } => Ok(head),
            HeadProgress::NeedMore => panic!("incomplete: {text:?}"),
        }
    }

    fn response(text: &str) -> Result<SstpResponse, HttpError> {
        match ResponseParser::new().push(text.as_bytes())? {
            HeadProgress::Complete { head, .. } => Ok(head),
            HeadProgress::NeedMore => panic!("incomplete: {text:?}"),
        }
    }

    /// An SSTP request with `uri` and the usual headers.
    fn with_uri(uri: &str) -> String {
        format!(
            "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nHost: vpn\r\nContent-Length: 18446744073709551615\r\n\r\n"
        )
    }

    #[test]
    fn real_request_split_as_the_client_sent_it() {
        let bytes = hex(REAL_REQUEST);
        assert_eq!(bytes.len(), 200);
        let mut parser = RequestParser::new();
        assert_eq!(parser.push(&bytes[..1]), Ok(HeadProgress::NeedMore));
        assert_eq!(parser.buffered(), 1);
        assert_eq!(
            parser.push(&bytes[1..]),
            Ok(HeadProgress::Complete {
                head: real_request(),
                rest_start: 199
            })
        );
        assert_eq!(parser.push(b"more"), Err(HttpError::Finished));
    }

    #[test]
    fn every_split_of_the_real_request_gives_the_same_head() {
        let bytes = hex(REAL_REQUEST);
        for cut in 0..=bytes.len() {
            let mut parser = RequestParser::new();
            let first = parser.push(&bytes[..cut]).unwrap();
            let (head, rest_start) = match first {
                HeadProgress::Complete { head, rest_start } => (head, rest_start),
                HeadProgress::NeedMore => match parser.push(&bytes[cut..]).unwrap() {
                    HeadProgress::Complete { head, rest_start } => (head, rest_start + cut),
                    HeadProgress::NeedMore => panic!("cut {cut}: never completed"),
                },
            };
            assert_eq!(head, real_request(), "cut {cut}");
            assert_eq!(rest_start, 200, "cut {cut}");
        }
        // One byte at a time.
        let mut parser = RequestParser::new();
        for (i, b) in bytes.iter().enumerate() {
            match parser.push(std::slice::from_ref(b)).unwrap() {
                HeadProgress::NeedMore => assert!(i < 199),
                HeadProgress::Complete { head, rest_start } => {
                    assert_eq!((i, rest_start), (199, 1));
                    assert_eq!(head, real_request());
                }
            }
        }
    }

    #[test]
    fn sstp_packets_in_the_same_push_are_handed_back() {
        let mut bytes = hex(REAL_REQUEST);
        let connect_request = hex(REAL_CONNECT_REQUEST);
        bytes.extend_from_slice(&connect_request);
        let mut parser = RequestParser::new();
        let Ok(HeadProgress::Complete { head, rest_start }) = parser.push(&bytes) else {
            panic!("not complete");
        };
        assert_eq!(head.head_len, 200);
        assert_eq!(rest_start, 200);
        assert_eq!(&bytes[rest_start..], &connect_request[..]);
    }

    #[test]
    fn real_response_of_windows_rras() {
        let bytes = hex(REAL_RESPONSE);
        assert_eq!(bytes.len(), 123);
        let mut parser = ResponseParser::new();
        assert_eq!(parser.push(&bytes[..60]), Ok(HeadProgress::NeedMore));
        let expected = SstpResponse {
            version: "HTTP/1.1".into(),
            status_code: 200,
            reason: String::new(),
            headers: Headers(vec![
                field("Content-Length", "18446744073709551615"),
                field("Server", "Microsoft-HTTPAPI/2.0"),
                field("Date", "Wed, 23 Jan 2013 09:10:43 GMT"),
            ]),
            content_length: Some("18446744073709551615".into()),
            problems: vec![],
            head_len: 123,
        };
        assert_eq!(
            parser.push(&bytes[60..]),
            Ok(HeadProgress::Complete {
                head: expected.clone(),
                rest_start: 63
            })
        );
        assert!(expected.accepted());
        assert_eq!(
            expected.meaning(),
            "OK: the server accepted the SSTP connection; SSTP packets follow in both directions"
        );
        assert_eq!(expected.headers.get("server"), Some("Microsoft-HTTPAPI/2.0"));
        assert_eq!(
            serde_json::to_value(&expected).unwrap(),
            json!({
                "version": "HTTP/1.1",
                "status_code": 200,
                "reason": "",
                "accepted": true,
                "meaning": "OK: the server accepted the SSTP connection; SSTP packets follow in both directions",
                "headers": [
                    {"name": "Content-Length", "value": "18446744073709551615"},
                    {"name": "Server", "value": "Microsoft-HTTPAPI/2.0"},
                    {"name": "Date", "value": "Wed, 23 Jan 2013 09:10:43 GMT"},
                ],
                "content_length": "18446744073709551615",
                "problems": [],
                "head_len": 123,
            })
        );
    }

    #[test]
    fn not_found_and_other_refusals() {
        let r = response("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").unwrap();
        assert_eq!((r.status_code, r.reason.as_str()), (404, "Not Found"));
        assert!(!r.accepted());
        assert_eq!(
            r.meaning(),
            "Not Found: wrong URI or Host; no SSTP listener at this address, or another web server answered"
        );
        // A refusal need not announce the endless body.
        assert_eq!(r.content_length.as_deref(), Some("0"));
        assert_eq!(r.problems, []);
        assert_eq!(r.head_len, 45);
        // An accepting response without the endless Content-Length.
        let r = response("HTTP/1.0 200 OK\r\n\r\n").unwrap();
        assert_eq!(
            r.problems,
            [
                Problem::VersionNotHttp11 {
                    version: "HTTP/1.0".into()
                },
                Problem::ContentLengthMissing
            ]
        );
        // No reason phrase and no space before it.
        let r = response("HTTP/1.1 503\r\n\r\n").unwrap();
        assert_eq!((r.status_code, r.reason.as_str()), (503, ""));
        assert_eq!(
            r.meaning(),
            "Service Unavailable: the server is not taking SSTP calls now (service stopped or no free port)"
        );
        for line in [
            "HTTP/1.1 2000 OK",
            "HTTP/1.1 20",
            "SSTP/1.1 200 OK",
            "HTTP/1.1 2x0 OK",
            "",
        ] {
            assert_eq!(
                response(&format!("{line}\r\n\r\n")),
                Err(HttpError::MalformedStatusLine { line: line.into() })
            );
        }
    }

    #[test]
    fn status_meanings() {
        let meanings: Vec<_> = [
            100, 200, 204, 301, 400, 401, 403, 404, 405, 407, 418, 500, 501, 502, 503, 504, 505, 599, 600,
        ]
        .into_iter()
        .map(status_meaning)
        .collect();
        assert_eq!(
            meanings,
            [
                "informational: a final response should follow",
                "OK: the server accepted the SSTP connection; SSTP packets follow in both directions",
                "a success code other than 200; SSTP expects exactly 200",
                "redirect: the server points elsewhere; SSTP has no redirect step, so the call does not go ahead here",
                "Bad Request: the server found the request malformed (method, HTTP version or headers)",
                "Unauthorized: a web server asks for HTTP authentication, which is not part of SSTP; probably not an SSTP listener",
                "Forbidden: refused, usually by a proxy or a web server in front of the SSTP server",
                "Not Found: wrong URI or Host; no SSTP listener at this address, or another web server answered",
                "Method Not Allowed: a web server that does not know SSTP_DUPLEX_POST answered",
                "Proxy Authentication Required: a proxy between client and server wants credentials",
                "client error: the server refused the request",
                "Internal Server Error: the server failed while setting up the call",
                "Not Implemented: the server does not support SSTP_DUPLEX_POST; not an SSTP server",
                "bad gateway or gateway timeout: a proxy or TLS offloader could not reach the SSTP server",
                "Service Unavailable: the server is not taking SSTP calls now (service stopped or no free port)",
                "bad gateway or gateway timeout: a proxy or TLS offloader could not reach the SSTP server",
                "HTTP Version Not Supported: the server wants HTTP/1.1",
                "server error: the server could not take the call",
                "not a standard HTTP status code",
            ]
        );
    }

    #[test]
    fn guid_case_does_not_matter_but_the_rest_of_the_path_does() {
        let lower = request(&with_uri("/sra_{ba195980-cd49-458b-9e23-c84ee0adcd75}/")).unwrap();
        assert!(lower.uri_ok);
        assert_eq!(lower.problems, []);
        let upper = request(&with_uri("/sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/")).unwrap();
        assert!(upper.uri_ok);

        let cases = [
            (
                "/SRA_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/",
                "\"/SRA_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/\" differs in letter case outside the \
                 GUID; only the GUID may differ in case",
            ),
            (
                "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}",
                "the trailing \"/\" after the GUID's \"}\" is missing",
            ),
            (
                "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/x?y",
                "extra text \"x?y\" follows the SSTP path",
            ),
            (
                "/sra_{00000000-CD49-458b-9E23-C84EE0ADCD75}/",
                "the GUID is {00000000-CD49-458b-9E23-C84EE0ADCD75}, SSTP's is \
                 {BA195980-CD49-458b-9E23-C84EE0ADCD75}",
            ),
            (
                "https://vpn/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/",
                "it is an absolute URI (\"https://vpn/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/\"); \
                 SSTP clients send the path alone",
            ),
            ("/", "the path is \"/\""),
            ("/sra_BA195980", "the path is \"/sra_BA195980\""),
        ];
        for (uri, detail) in cases {
            assert_eq!(uri_difference(uri).as_deref(), Some(detail), "{uri}");
            let r = request(&with_uri(uri)).unwrap();
            assert!(!r.uri_ok, "{uri}");
            assert_eq!(
                r.problems,
                [Problem::UriMismatch {
                    detail: detail.into()
                }]
            );
        }
        assert_eq!(uri_difference(SSTP_URI), None);
    }

    #[test]
    fn method_version_host_and_content_length_checks() {
        let r = request("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").unwrap();
        assert_eq!(
            (r.method.as_str(), r.uri.as_str(), r.version.as_str()),
            ("GET", "/", "HTTP/1.1")
        );
        assert!(!r.method_ok);
        assert!(!r.uri_ok);
        assert_eq!(r.host.as_deref(), Some("example.com"));
        assert_eq!((r.content_length.as_deref(), r.content_length_ok), (None, false));
        assert_eq!(
            r.problems,
            [
                Problem::MethodNotSstp { method: "GET".into() },
                Problem::UriMismatch {
                    detail: "the path is \"/\"".into()
                },
                Problem::ContentLengthMissing,
            ]
        );
        assert_eq!(
            r.problems[0].describe(),
            "the method is \"GET\", not SSTP_DUPLEX_POST: HTTP, not SSTP"
        );

        let r = request(&format!(
            "sstp_duplex_post {SSTP_URI} HTTP/1.0\r\nContent-Length: 0\r\nContent-Length: 1\r\n\
             Host:\r\nCookie: ClientHTTPCookie=abc\r\nSSTPCORRELATIONID: x\r\n\r\n"
        ))
        .unwrap();
        assert!(!r.method_ok);
        assert!(r.uri_ok);
        assert_eq!(r.host.as_deref(), Some(""));
        assert!(r.has_cookie);
        assert_eq!(r.correlation_id.as_deref(), Some("x"));
        assert_eq!(
            (r.content_length.as_deref(), r.content_length_ok),
            (Some("0"), false)
        );
        assert_eq!(
            r.problems,
            [
                Problem::MethodCase {
                    method: "sstp_duplex_post".into()
                },
                Problem::VersionNotHttp11 {
                    version: "HTTP/1.0".into()
                },
                Problem::HostMissing,
                Problem::HeaderRepeated {
                    name: "Content-Length".into(),
                    count: 2
                },
                Problem::ContentLengthNotMax { value: "0".into() },
            ]
        );
        assert_eq!(r.headers.count("content-length"), 2);
        assert_eq!(
            r.headers.get_all("CONTENT-LENGTH").collect::<Vec<_>>(),
            ["0", "1"]
        );

        let r = request(&format!(
            "SSTP_DUPLEX_POST {SSTP_URI} HTTP/1.1\r\nHost: a\r\nhost: b\r\n\
             Content-Length: 18446744073709551615\r\n\r\n"
        ))
        .unwrap();
        assert_eq!(r.host.as_deref(), Some("a"));
        assert_eq!(
            r.problems,
            [Problem::HeaderRepeated {
                name: "Host".into(),
                count: 2
            }]
        );
    }

    #[test]
    fn untidy_heads() {
        // Bare LF, folding, a line without colon, a spaced name.
        let text = format!(
            "SSTP_DUPLEX_POST {SSTP_URI} HTTP/1.1\nHost: vpn\n  .example\nnonsense\nBad Name: x\n\
             Content-Length:\t18446744073709551615 \n\n"
        );
        let r = request(&text).unwrap();
        assert_eq!(
            r.headers,
            Headers(vec![
                field("Host", "vpn .example"),
                field("Content-Length", "18446744073709551615"),
            ])
        );
        assert_eq!(
            r.problems,
            [
                Problem::BareLineFeed,
                Problem::ObsoleteLineFolding { line: 3 },
                Problem::MalformedHeaderLine { line: 4 },
                Problem::MalformedHeaderLine { line: 5 },
            ]
        );
        assert!(r.content_length_ok);
        assert_eq!(r.head_len, text.len());

        // Too many fields, a value too long (cut at a character boundary).
        let mut text = format!("SSTP_DUPLEX_POST {SSTP_URI} HTTP/1.1\r\n");
        text.push_str(&format!("Host: {}\r\n", "é".repeat(600)));
        text.push_str("Content-Length: 18446744073709551615\r\n");
        for i in 0..70 {
            text.push_str(&format!("X-{i}: {i}\r\n"));
        }
        text.push_str("\r\n");
        let r = request(&text).unwrap();
        assert_eq!(r.headers.len(), MAX_HEADERS);
        assert_eq!(r.host.as_deref(), Some("é".repeat(512).as_str()));
        assert_eq!(
            r.problems,
            [
                Problem::TooManyHeaders { dropped: 8 },
                Problem::ValueTruncated { name: "Host".into() }
            ]
        );
        assert_eq!(r.head_len, text.len());
        // Invalid UTF-8 is replaced, not refused.
        let mut bytes = format!("SSTP_DUPLEX_POST {SSTP_URI} HTTP/1.1\r\nHost: ").into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\r\nContent-Length: 18446744073709551615\r\n\r\n");
        let Ok(HeadProgress::Complete { head, .. }) = RequestParser::new().push(&bytes) else {
            panic!("not complete");
        };
        assert_eq!(head.host.as_deref(), Some("\u{fffd}\u{fffd}"));
    }

    #[test]
    fn heads_that_cannot_be_read() {
        for line in ["SSTP_DUPLEX_POST", "SSTP_DUPLEX_POST /x", " / HTTP/1.1", ""] {
            assert_eq!(
                request(&format!("{line}\r\n\r\n")),
                Err(HttpError::MalformedRequestLine { line: line.into() })
            );
        }
        // No blank line within the bound: an error, then Finished.
        let mut parser = RequestParser::new();
        let filler = vec![b'a'; 10_000];
        assert_eq!(parser.push(&filler), Ok(HeadProgress::NeedMore));
        assert_eq!(
            parser.push(&filler),
            Err(HttpError::HeadTooLong { limit: MAX_HEAD_LEN })
        );
        assert_eq!(parser.buffered(), 0);
        assert_eq!(parser.push(b"\r\n\r\n"), Err(HttpError::Finished));
        // A head ending exactly at the bound is fine.
        let mut text = format!("SSTP_DUPLEX_POST {SSTP_URI} HTTP/1.1\r\nX: ");
        text.push_str(&"v".repeat(MAX_HEAD_LEN - text.len() - 4));
        text.push_str("\r\n\r\n");
        assert_eq!(text.len(), MAX_HEAD_LEN);
        assert_eq!(request(&text).map(|r| r.head_len), Ok(MAX_HEAD_LEN));
        assert_eq!(HttpError::HeadTooLong { limit: 1 }.code(), "head_too_long");
    }

    #[test]
    fn recognising_the_start_of_a_client_stream() {
        let real = hex(REAL_REQUEST);
        assert_eq!(classify_request_start(&real), RequestStart::Sstp);
        assert!(looks_like_sstp_request(&real));
        assert!(looks_like_sstp_request(b"sstp_duplex_post /"));
        assert!(!looks_like_sstp_request(b"SSTP_DUPLEX_POST"));
        for prefix in [
            &b""[..],
            b"S",
            b"SSTP_DU",
            b"SSTP_DUPLEX_POST",
            b"G",
            b"GET",
            b"OPT",
        ] {
            assert_eq!(
                classify_request_start(prefix),
                RequestStart::Undecided,
                "{prefix:?}"
            );
        }
        assert_eq!(
            classify_request_start(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"),
            RequestStart::Http {
                request_line: "GET /index.html HTTP/1.1".into()
            }
        );
        assert_eq!(
            classify_request_start(b"POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HT"),
            RequestStart::Http {
                request_line: "POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HT".into()
            }
        );
        assert_eq!(
            classify_request_start(b"RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\n"),
            RequestStart::Http {
                request_line: "RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1".into()
            }
        );
        assert_eq!(
            classify_request_start(b"GETX / HTTP/1.1\r\n"),
            RequestStart::Http {
                request_line: "GETX / HTTP/1.1".into()
            }
        );
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(2000));
        assert_eq!(
            classify_request_start(long.as_bytes()),
            RequestStart::Http {
                request_line: long[..1024].to_string()
            }
        );
        // TLS, PPTP, SSTP binary, a response, a partial unknown line.
        for other in [
            &[0x16, 0x03, 0x01, 0x00, 0xc8][..],
            &[0x00, 0x9c, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d],
            &[0x10, 0x01, 0x00, 0x0e],
            b"HTTP/1.1 200 OK\r\n",
            b"RPC_IN_DATA /rpc",
            b"G\xc3\xa9T / HTTP/1.1\r\n",
            b"FETCH / FTP/1.0\r\n",
        ] {
            assert_eq!(classify_request_start(other), RequestStart::Other, "{other:?}");
        }
    }

    #[test]
    fn request_serialises_every_field() {
        let value = serde_json::to_value(real_request()).unwrap();
        assert_eq!(
            value,
            json!({
                "method": "SSTP_DUPLEX_POST",
                "uri": "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/",
                "version": "HTTP/1.1",
                "headers": [
                    {"name": "SSTPCORRELATIONID", "value": "{19730D60-90A0-4623-8C44-688D762AAA16}"},
                    {"name": "Content-Length", "value": "18446744073709551615"},
                    {"name": "Host", "value": "vpn-server.pro3.local"},
                ],
                "method_ok": true,
                "uri_ok": true,
                "host": "vpn-server.pro3.local",
                "content_length": "18446744073709551615",
                "content_length_ok": true,
                "correlation_id": "{19730D60-90A0-4623-8C44-688D762AAA16}",
                "has_cookie": false,
                "problems": [],
                "head_len": 200,
            })
        );
        let problem = serde_json::to_value(Problem::HostMissing).unwrap();
        assert_eq!(
            problem,
            json!({"code": "host_missing", "detail": "there is no Host field (or it is empty)"})
        );
    }
}

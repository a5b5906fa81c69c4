//! Which proxy, if any, a request goes through: the one place that decides, like reqwest and curl.
//!
//! - [`Proxy`]: one HTTP proxy (`http://[user:password@]host[:port]`), its credentials never
//!   printed;
//! - [`NoProxy`]: the hosts that bypass every proxy (`NO_PROXY`);
//! - [`ProxySettings`]: a proxy for `http://` URLs, one for `https://` URLs, and the bypass list;
//!   [`ProxySettings::from_env`] reads them from the environment (or any lookup, with
//!   [`ProxySettings::from_vars`]), and [`ProxySettings::proxy_for`] answers for one URL.
//!
//! | variable | used for |
//! |---|---|
//! | `HTTPS_PROXY`, `https_proxy` | `https://` URLs |
//! | `HTTP_PROXY`, `http_proxy` | `http://` URLs (`HTTP_PROXY` is ignored when `REQUEST_METHOD` is set: a CGI program gets it from the request's `Proxy:` header) |
//! | `ALL_PROXY`, `all_proxy` | both, when the variable above is unset |
//! | `NO_PROXY`, `no_proxy` | hosts that go direct: a comma-separated list of host names, domains (`example.com` or `.example.com`, both matching the domain and its subdomains), IP addresses, or `*` for every host |
//!
//! Upper case wins over lower case; empty values count as unset. A proxy URL that cannot be used
//! (not `http://`, or malformed) is an error naming the variable, never its value (it may hold a
//! password): quietly going direct would send traffic where the environment said it must not go.
//!
//! ```
//! use checkout_sdk_hyper::proxy::ProxySettings;
//!
//! let vars = [("HTTPS_PROXY", "http://proxy.corp:3128"), ("NO_PROXY", "localhost,.internal")];
//! let settings = ProxySettings::from_vars(|name| {
//!     vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
//! })?;
//! let via = settings.proxy_for(&"https://api.checkout.com/payments".parse()?);
//! assert_eq!(via.map(|p| p.authority()), Some("proxy.corp:3128"));
//! assert!(settings.proxy_for(&"https://vault.internal/".parse()?).is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use http::{HeaderValue, Uri};
use percent_encoding::percent_decode_str;

/// An HTTP proxy: where to connect, and the `Proxy-Authorization` to send, if any.
///
/// `Debug` shows the proxy's host and port only: never the user name or password.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// `http://host:port` (no user info, no path).
    uri: Uri,
    authorization: Option<HeaderValue>,
}

impl Proxy {
    /// A proxy from a URL: `http://host:port`, `http://user:password@host:port` (user and password
    /// percent-decoded) or `host:port` (taken as `http://`). Port 80 when none is given.
    ///
    /// # Errors
    ///
    /// [`ProxyError`] when the URL is malformed or not `http://` (TLS to the proxy and SOCKS are
    /// not supported; `https://` requests still go through an `http://` proxy, encrypted end to
    /// end with `CONNECT`). The error never repeats the URL.
    pub fn new(url: &str) -> Result<Proxy, ProxyError> {
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                let scheme = if scheme.len() <= 10 && scheme.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    scheme.to_ascii_lowercase()
                } else {
                    "unknown".to_owned()
                };
                return Err(ProxyError(format!(
                    "the proxy URL's scheme is {scheme}://, but only http:// proxies are supported"
                )));
            }
            None => url,
        };
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if !(path.is_empty() || path == "/") {
            return Err(ProxyError("the proxy URL must not have a path or query".into()));
        }
        let (user_info, host_port) = match authority.rsplit_once('@') {
            Some((user_info, host_port)) => (Some(user_info), host_port),
            None => (None, authority),
        };
        let parsed: http::uri::Authority =
            host_port.parse().map_err(|_| ProxyError("the proxy URL's host or port is malformed".into()))?;
        if parsed.host().is_empty() {
            return Err(ProxyError("the proxy URL has no host".into()));
        }
        // The raw text: `Authority::port` is `None` for a port that is not a `u16`.
        let port_text = parsed.as_str().strip_prefix(parsed.host()).and_then(|rest| rest.strip_prefix(':'));
        let port = match port_text {
            None | Some("") => 80,
            Some(port) => port
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| ProxyError("the proxy URL's port is not a number from 1 to 65535".into()))?,
        };
        let uri = format!("http://{}:{port}", parsed.host())
            .parse()
            .map_err(|_| ProxyError("the proxy URL's host or port is malformed".into()))?;
        let mut proxy = Proxy { uri, authorization: None };
        if let Some(user_info) = user_info {
            let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
            let decode = |s: &str| percent_decode_str(s).decode_utf8().map(|s| s.into_owned());
            let (Ok(user), Ok(password)) = (decode(user), decode(password)) else {
                return Err(ProxyError("the proxy URL's user name or password is not valid UTF-8".into()));
            };
            proxy = proxy.basic_auth(&user, &password);
        }
        Ok(proxy)
    }

    /// Authenticates to the proxy with HTTP Basic credentials (replacing any from the URL).
    #[must_use]
    pub fn basic_auth(mut self, user: &str, password: &str) -> Proxy {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        // Base64 is always a valid header value.
        self.authorization = HeaderValue::from_str(&format!("Basic {encoded}")).ok().map(|mut value| {
            value.set_sensitive(true);
            value
        });
        self
    }

    /// `http://host:port`, without credentials.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// `host:port`.
    pub fn authority(&self) -> &str {
        self.uri.authority().map_or("", |a| a.as_str())
    }

    /// Whether the proxy has credentials.
    pub fn has_credentials(&self) -> bool {
        self.authorization.is_some()
    }

    /// The `Proxy-Authorization` value (marked sensitive), if the proxy has credentials.
    pub fn authorization(&self) -> Option<&HeaderValue> {
        self.authorization.as_ref()
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Proxy");
        s.field("uri", &format_args!("{}", self.uri));
        if self.authorization.is_some() {
            s.field("credentials", &format_args!("<redacted>"));
        }
        s.finish()
    }
}

/// A proxy URL or setting that cannot be used. Never holds the URL (it may carry a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyError(String);

impl ProxyError {
    fn in_variable(name: &str, error: ProxyError) -> ProxyError {
        ProxyError(format!("{name} is not a usable proxy URL: {}", error.0))
    }
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for ProxyError {}

/// The hosts that bypass every proxy: `NO_PROXY`'s format.
///
/// A comma-separated list; each entry is `*` (every host), an IP address (`10.0.0.7`, `::1`,
/// `[::1]`), or a domain that matches itself and every subdomain (`example.com`,
/// `.example.com` and `*.example.com` all match `example.com` and `api.example.com`, not
/// `badexample.com`). Case-insensitive; ports on entries are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    everything: bool,
    ips: Vec<IpAddr>,
    domains: Vec<String>,
}

impl NoProxy {
    /// Parses a `NO_PROXY` list; entries that are empty are skipped.
    pub fn parse(list: &str) -> NoProxy {
        let mut no_proxy = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                no_proxy.everything = true;
                continue;
            }
            let unbracketed = entry.strip_prefix('[').and_then(|e| e.split(']').next());
            if let Ok(ip) = unbracketed.unwrap_or(entry).parse::<IpAddr>() {
                no_proxy.ips.push(ip);
                continue;
            }
            // `host:port`: the port is ignored (a lone colon means it was not an IPv6 address).
            let host = match entry.rsplit_once(':') {
                Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => host,
                _ => entry,
            };
            if let Ok(ip) = host.parse::<IpAddr>() {
                no_proxy.ips.push(ip);
                continue;
            }
            let domain = host.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.');
            if !domain.is_empty() {
                no_proxy.domains.push(domain.to_ascii_lowercase());
            }
        }
        no_proxy
    }

    /// Whether `host` (a name, an IPv4 address, or an IPv6 address with or without brackets)
    /// bypasses the proxy.
    pub fn matches(&self, host: &str) -> bool {
        if self.everything {
            return true;
        }
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.ips.contains(&ip);
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.domains.iter().any(|domain| {
            host == *domain
                || (host.len() > domain.len()
                    && host.ends_with(domain.as_str())
                    && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
        })
    }

    /// Whether the list is empty (nothing bypasses the proxy).
    pub fn is_empty(&self) -> bool {
        !self.everything && self.ips.is_empty() && self.domains.is_empty()
    }
}

/// Which proxy each request URL goes through: one for `http://`, one for `https://`, and the
/// hosts that bypass both. [`ProxySettings::default`] (same as [`none`](Self::none)) sends every
/// request directly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    http: Option<Proxy>,
    https: Option<Proxy>,
    no_proxy: NoProxy,
}

impl ProxySettings {
    /// No proxy: every request goes directly.
    pub fn none() -> ProxySettings {
        ProxySettings::default()
    }

    /// Every request (`http://` and `https://`) through `proxy`.
    pub fn all(proxy: Proxy) -> ProxySettings {
        ProxySettings { http: Some(proxy.clone()), https: Some(proxy), no_proxy: NoProxy::default() }
    }

    /// `http://` requests through `proxy`.
    #[must_use]
    pub fn http(mut self, proxy: Proxy) -> ProxySettings {
        self.http = Some(proxy);
        self
    }

    /// `https://` requests through `proxy` (with `CONNECT`, so the proxy sees only the host).
    #[must_use]
    pub fn https(mut self, proxy: Proxy) -> ProxySettings {
        self.https = Some(proxy);
        self
    }

    /// Hosts that go directly, in `NO_PROXY`'s format (see [`NoProxy`]); replaces the list.
    #[must_use]
    pub fn bypass(mut self, no_proxy: &str) -> ProxySettings {
        self.no_proxy = NoProxy::parse(no_proxy);
        self
    }

    /// The settings of the process environment (see the [module docs](self)).
    ///
    /// # Errors
    ///
    /// As [`from_vars`](Self::from_vars).
    pub fn from_env() -> Result<ProxySettings, ProxyError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings that variables looked up with `var` describe (`std::env::var`, or a map in
    /// tests, so they never touch the process environment).
    ///
    /// # Errors
    ///
    /// [`ProxyError`] naming the first variable whose proxy URL cannot be used (never its value).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ProxySettings, ProxyError> {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|name| var(name).filter(|v| !v.trim().is_empty()).map(|v| (*name, v)))
        };
        let proxy = |found: Option<(&'static str, String)>| {
            found.map(|(name, url)| Proxy::new(&url).map_err(|e| ProxyError::in_variable(name, e))).transpose()
        };
        // httpoxy: a CGI program's HTTP_PROXY comes from the request's `Proxy:` header.
        let cgi = var("REQUEST_METHOD").is_some();
        let http_names: &[&'static str] = if cgi { &["http_proxy"] } else { &["HTTP_PROXY", "http_proxy"] };
        let all = proxy(first(&["ALL_PROXY", "all_proxy"]))?;
        let http = proxy(first(http_names))?.or_else(|| all.clone());
        let https = proxy(first(&["HTTPS_PROXY", "https_proxy"]))?.or(all);
        let no_proxy = first(&["NO_PROXY", "no_proxy"]).map(|(_, list)| NoProxy::parse(&list)).unwrap_or_default();
        Ok(ProxySettings { http, https, no_proxy })
    }

    /// The proxy a request to `url` goes through, or `None` to go directly: by the URL's scheme,
    /// unless its host is on the bypass list.
    pub fn proxy_for(&self, url: &Uri) -> Option<&Proxy> {
        let proxy = match url.scheme_str() {
            Some("https") => self.https.as_ref(),
            Some("http") => self.http.as_ref(),
            _ => None,
        }?;
        let host = url.host()?;
        (!self.no_proxy.matches(host)).then_some(proxy)
    }

    /// Whether no request goes through a proxy.
    pub fn is_direct(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Vars<'a> = &'a [(&'a str, &'a str)];

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string())
    }

    /// The proxy (`host:port`) a URL goes through under some variables, or `-` for direct.
    fn via(pairs: &[(&str, &str)], url: &str) -> String {
        let settings = ProxySettings::from_vars(vars(pairs)).unwrap();
        settings.proxy_for(&url.parse().unwrap()).map_or("-".into(), |p| p.authority().to_owned())
    }

    #[test]
    fn which_proxy_for_which_url() {
        const P: &str = "http://p:1";
        const Q: &str = "http://q:2";
        #[rustfmt::skip]
        let table: &[(Vars<'_>, &str, &str)] = &[
            // (variables, request URL, proxy used)
            (&[], "https://api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P)], "https://api.checkout.com/", "p:1"),
            (&[("HTTPS_PROXY", P)], "http://127.0.0.1:8080/", "-"),
            (&[("https_proxy", P)], "https://api.checkout.com/", "p:1"),
            (&[("HTTPS_PROXY", P), ("https_proxy", Q)], "https://api.checkout.com/", "p:1"),
            (&[("HTTPS_PROXY", " "), ("https_proxy", Q)], "https://api.checkout.com/", "q:2"),
            (&[("HTTP_PROXY", P)], "http://127.0.0.1:8080/", "p:1"),
            (&[("HTTP_PROXY", P)], "https://api.checkout.com/", "-"),
            (&[("http_proxy", P)], "http://localhost/", "p:1"),
            (&[("HTTP_PROXY", P), ("REQUEST_METHOD", "GET")], "http://localhost/", "-"),
            (&[("HTTP_PROXY", P), ("http_proxy", Q), ("REQUEST_METHOD", "GET")], "http://localhost/", "q:2"),
            (&[("ALL_PROXY", P)], "https://api.checkout.com/", "p:1"),
            (&[("all_proxy", P)], "http://localhost/", "p:1"),
            (&[("ALL_PROXY", P), ("HTTPS_PROXY", Q)], "https://api.checkout.com/", "q:2"),
            (&[("ALL_PROXY", P), ("HTTPS_PROXY", Q)], "http://localhost/", "p:1"),
            (&[("HTTPS_PROXY", "proxy.corp:3128")], "https://a.b/", "proxy.corp:3128"),
            (&[("HTTPS_PROXY", "http://proxy.corp")], "https://a.b/", "proxy.corp:80"),
            (&[("HTTPS_PROXY", "http://u:p@[::1]:3128/")], "https://a.b/", "[::1]:3128"),
            // NO_PROXY: names, domains with or without a leading dot, IPs, `*`.
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "api.checkout.com")], "https://api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "checkout.com")], "https://api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", ".checkout.com")], "https://api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", ".checkout.com")], "https://checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "*.checkout.com")], "https://x.api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "checkout.com")], "https://notcheckout.com/", "p:1"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "api.checkout.com")], "https://checkout.com/", "p:1"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "API.Checkout.COM")], "https://api.checkout.com./", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "a.test, ,b.test")], "https://b.test/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "checkout.com:443")], "https://api.checkout.com/", "-"),
            (&[("HTTP_PROXY", P), ("NO_PROXY", "127.0.0.1")], "http://127.0.0.1:9/", "-"),
            (&[("HTTP_PROXY", P), ("NO_PROXY", "127.0.0.1")], "http://127.0.0.2:9/", "p:1"),
            (&[("HTTP_PROXY", P), ("NO_PROXY", "::1")], "http://[::1]:9/", "-"),
            (&[("HTTP_PROXY", P), ("NO_PROXY", "[::1]:9")], "http://[::1]:9/", "-"),
            (&[("HTTP_PROXY", P), ("NO_PROXY", "localhost")], "http://localhost:9/", "-"),
            (&[("HTTP_PROXY", P), ("NO_PROXY", "localhost")], "http://127.0.0.1:9/", "p:1"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "*")], "https://api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("no_proxy", "checkout.com")], "https://api.checkout.com/", "-"),
            (&[("HTTPS_PROXY", P), ("NO_PROXY", "other.com"), ("no_proxy", "checkout.com")], "https://api.checkout.com/", "p:1"),
        ];
        for (pairs, url, expected) in table {
            assert_eq!(via(pairs, url), *expected, "{pairs:?} {url}");
        }
    }

    #[test]
    fn unusable_proxy_variables_are_errors_naming_the_variable_not_the_value() {
        for (name, value) in [
            ("HTTPS_PROXY", "socks5://user:hunter2@proxy:1080"),
            ("HTTP_PROXY", "https://user:hunter2@proxy:443"),
            ("ALL_PROXY", "http://user:hunter2@proxy:3128/some/path"),
            ("https_proxy", "http://user:hunter2@pro xy:3128"),
            ("HTTPS_PROXY", "http://user:hunter2@proxy:99999"),
            ("HTTPS_PROXY", "http://user:hunter2@"),
        ] {
            let error = ProxySettings::from_vars(vars(&[(name, value)])).unwrap_err();
            let text = format!("{error} {error:?}");
            assert!(text.contains(name), "{text}");
            assert!(!text.contains("hunter2") && !text.contains("user"), "{text}");
        }
    }

    #[test]
    fn credentials_become_basic_auth_and_are_never_printed() {
        let proxy = Proxy::new("http://Aladdin:open%20sesame@proxy.corp:3128").unwrap();
        assert_eq!(proxy.uri().to_string(), "http://proxy.corp:3128/");
        let auth = proxy.authorization().unwrap();
        assert!(auth.is_sensitive());
        assert_eq!(auth, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let settings = ProxySettings::all(proxy.clone());
        for text in [format!("{proxy:?}"), format!("{settings:?}")] {
            assert!(!text.contains("Aladdin") && !text.contains("sesame") && !text.contains("QWxh"), "{text}");
            assert!(text.contains("proxy.corp:3128") && text.contains("<redacted>"), "{text}");
        }
        let replaced = Proxy::new("proxy.corp:3128").unwrap().basic_auth("a", "b");
        assert_eq!(replaced.authorization().unwrap(), "Basic YTpi");
        assert!(!Proxy::new("http://proxy.corp:3128").unwrap().has_credentials());
    }

    #[test]
    fn explicit_settings_override_nothing_but_themselves() {
        let p = Proxy::new("http://p:1").unwrap();
        let https: Uri = "https://api.checkout.com/".parse().unwrap();
        let http: Uri = "http://127.0.0.1/".parse().unwrap();
        assert!(ProxySettings::none().proxy_for(&https).is_none());
        assert!(ProxySettings::none().is_direct());
        let all = ProxySettings::all(p.clone());
        assert_eq!(all.proxy_for(&https), Some(&p));
        assert_eq!(all.proxy_for(&http), Some(&p));
        let only_https = ProxySettings::none().https(p.clone()).bypass("checkout.com");
        assert!(only_https.proxy_for(&https).is_none());
        assert!(only_https.proxy_for(&http).is_none());
        assert_eq!(ProxySettings::none().http(p.clone()).proxy_for(&http), Some(&p));
    }
}

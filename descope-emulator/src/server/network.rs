//! Who may reach the emulator's own endpoints: the console (`GET /`) and `/emulator/v1/*`. A
//! developer leaves the emulator running, so neither a web page nor a peer on the network may
//! use it to read codes, dump password hashes or change users:
//!
//! - **DNS rebinding**: a request whose `Host` is a DNS name other than `localhost` (or a name
//!   given with `--public-host`) is refused with 403, as development servers do. IP literals are
//!   accepted: the peer rule covers them.
//! - **Peers**: the outbox, the export, the import and the console's actions are served to
//!   loopback peers, or to a peer that presents the management key. `--console-public` widens
//!   only the console page, read-only, without codes or links, to other peers.
//!
//! The Descope API itself (`/v1/...`, `/v2/...`) is served to every peer, as the service is.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, Method, Uri};

use super::console_page::Viewer;
use super::*;

/// What the emulator's network rules say of one request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Not one of the emulator's own endpoints: the API, served to every peer.
    Api,
    /// Served, to this viewer.
    Allowed(Viewer),
    /// Refused, with why.
    Refused(&'static str),
}

/// The settings the rules depend on.
pub(crate) struct Rules<'a> {
    pub(crate) console_public: bool,
    pub(crate) public_hosts: &'a [String],
    /// Whether the request presents the management key.
    pub(crate) management_key: bool,
}

/// The rules for a request to `uri` from `peer`.
pub(crate) fn access(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    rules: &Rules<'_>,
) -> Access {
    let path = uri.path();
    let console_page = path == "/";
    if !own_endpoint(path) {
        return Access::Api;
    }
    if !host_allowed(headers, uri, rules.public_hosts) {
        return Access::Refused(
            "the Host header names neither localhost nor an IP address (start with --public-host \
             to serve a DNS name)",
        );
    }
    let loopback = peer.is_some_and(|peer| peer.ip().is_loopback());
    if loopback || rules.management_key {
        return Access::Allowed(Viewer::Local);
    }
    if console_page && rules.console_public && (method == Method::GET || method == Method::HEAD) {
        return Access::Allowed(Viewer::Remote);
    }
    if privileged(path) {
        return Access::Refused(
            "served to loopback peers, or with the management key in Authorization",
        );
    }
    if console_page {
        return Access::Refused(
            "the console is served to loopback peers only (start with --console-public)",
        );
    }
    Access::Allowed(Viewer::Remote)
}

/// The console page and `/emulator/...`: the endpoints these rules are for.
fn own_endpoint(path: &str) -> bool {
    path == "/" || path.starts_with("/emulator/")
}

/// The endpoints that read codes or hashes or change users.
fn privileged(path: &str) -> bool {
    path == "/emulator/v1/outbox"
        || path == "/emulator/v1/export"
        || path == "/emulator/v1/import"
        || path.starts_with("/emulator/v1/console/")
}

/// Whether the request's host (`Host`, else the URI's authority) is an IP literal, `localhost`
/// (or a name under it), or one of `public_hosts`. A request without one is accepted (no
/// browser sends such a request).
pub(crate) fn host_allowed(headers: &HeaderMap, uri: &Uri, public_hosts: &[String]) -> bool {
    let host = match headers.get(axum::http::header::HOST) {
        Some(value) => match value.to_str() {
            Ok(host) => host,
            Err(_) => return false,
        },
        None => match uri.authority() {
            Some(authority) => authority.as_str(),
            None => return true,
        },
    };
    let name = host_name(host.trim());
    if name.starts_with('[') || name.parse::<IpAddr>().is_ok() {
        return true;
    }
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || public_hosts
            .iter()
            .any(|public| public.trim_end_matches('.').eq_ignore_ascii_case(&name))
}

/// The host of a `Host` value, without its port.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_once(']').map_or(host, |(ipv6, _)| ipv6);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The middleware that applies [`access`] to every request.
pub(crate) async fn guard(
    State(app): State<Arc<App>>,
    mut request: Request,
    next: axum::middleware::Next,
) -> Response {
    // The API is every peer's: no rule to apply, and no management key to check.
    if !own_endpoint(request.uri().path()) {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<crate::serve::Peer>()
        .map(|peer| peer.0);
    let rules = Rules {
        console_public: app.options.console_public,
        public_hosts: &app.options.public_hosts,
        management_key: presents_management_key(&app, request.headers()),
    };
    match access(
        request.method(),
        request.uri(),
        request.headers(),
        peer,
        &rules,
    ) {
        Access::Api => next.run(request).await,
        Access::Allowed(viewer) => {
            request.extensions_mut().insert(viewer);
            next.run(request).await
        }
        Access::Refused(why) if request.uri().path() == "/" => {
            super::console::refused(StatusCode::FORBIDDEN, why)
        }
        Access::Refused(why) => Failure::Forbidden(why).into_response(),
    }
}

fn presents_management_key(app: &App, headers: &HeaderMap) -> bool {
    app.options.management_key.is_some()
        && headers.contains_key(axum::http::header::AUTHORIZATION)
        && super::management::authorize_management(app, headers).is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn check(
        method: Method,
        uri: &str,
        host: Option<&str>,
        peer: &str,
        rules: &Rules<'_>,
    ) -> Access {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert("host", host.parse().unwrap());
        }
        let uri: Uri = uri.parse().unwrap();
        access(&method, &uri, &headers, Some(peer.parse().unwrap()), rules)
    }

    const LOCAL: &str = "127.0.0.1:5000";
    const REMOTE: &str = "192.0.2.7:5000";

    fn rules(console_public: bool, management_key: bool) -> Rules<'static> {
        Rules {
            console_public,
            public_hosts: &[],
            management_key,
        }
    }

    #[test]
    fn the_api_is_served_to_every_peer_and_host() {
        let closed = rules(false, false);
        for path in ["/v1/auth/password/signin", "/v2/keys/P1", "/nowhere"] {
            assert_eq!(
                check(Method::POST, path, Some("evil.example"), REMOTE, &closed),
                Access::Api
            );
        }
    }

    #[test]
    fn dns_names_other_than_localhost_are_refused_on_the_emulators_own_endpoints() {
        let open = rules(true, true);
        for host in [
            "evil.example",
            "evil.example:4000",
            "attacker.localhost.evil.example",
        ] {
            for path in ["/", "/emulator/v1/outbox", "/emulator/v1/link?t=x"] {
                assert!(
                    matches!(
                        check(Method::GET, path, Some(host), LOCAL, &open),
                        Access::Refused(_)
                    ),
                    "{host} {path}"
                );
            }
        }
        for host in [
            "localhost",
            "localhost:4000",
            "LOCALHOST.",
            "app.localhost:1",
            "127.0.0.1:4000",
            "[::1]:4000",
            "10.1.2.3",
        ] {
            assert_eq!(
                check(Method::GET, "/", Some(host), LOCAL, &rules(false, false)),
                Access::Allowed(Viewer::Local),
                "{host}"
            );
        }
        // No Host at all (no browser sends that): the peer rule decides.
        assert_eq!(
            check(Method::GET, "/", None, LOCAL, &rules(false, false)),
            Access::Allowed(Viewer::Local)
        );
        // A configured public name.
        let named = Rules {
            console_public: false,
            public_hosts: &["emulator.test".to_owned()],
            management_key: false,
        };
        assert_eq!(
            check(Method::GET, "/", Some("Emulator.Test:4000"), LOCAL, &named),
            Access::Allowed(Viewer::Local)
        );
    }

    #[test]
    fn codes_hashes_and_actions_are_for_loopback_peers_or_the_management_key() {
        let paths = [
            (Method::GET, "/emulator/v1/outbox"),
            (Method::DELETE, "/emulator/v1/outbox"),
            (Method::GET, "/emulator/v1/export"),
            (Method::POST, "/emulator/v1/import"),
            (Method::POST, "/emulator/v1/console/reset"),
            (Method::POST, "/emulator/v1/console/users/U1"),
        ];
        for (method, path) in paths {
            let host = Some("192.0.2.1:4000");
            assert_eq!(
                check(method.clone(), path, host, LOCAL, &rules(false, false)),
                Access::Allowed(Viewer::Local)
            );
            assert_eq!(
                check(method.clone(), path, host, "[::1]:9", &rules(false, false)),
                Access::Allowed(Viewer::Local)
            );
            // --console-public does not open them.
            assert!(
                matches!(
                    check(method.clone(), path, host, REMOTE, &rules(true, false)),
                    Access::Refused(_)
                ),
                "{path}"
            );
            assert_eq!(
                check(method, path, host, REMOTE, &rules(false, true)),
                Access::Allowed(Viewer::Local),
                "{path}"
            );
        }
    }

    #[test]
    fn console_public_opens_only_the_read_only_page() {
        let host = Some("192.0.2.1:4000");
        assert!(matches!(
            check(Method::GET, "/", host, REMOTE, &rules(false, false)),
            Access::Refused(_)
        ));
        assert_eq!(
            check(Method::GET, "/", host, REMOTE, &rules(true, false)),
            Access::Allowed(Viewer::Remote)
        );
        assert!(matches!(
            check(Method::POST, "/", host, REMOTE, &rules(true, false)),
            Access::Refused(_)
        ));
        // The link landing page is for whoever clicks the link.
        assert_eq!(
            check(
                Method::GET,
                "/emulator/v1/link?t=x",
                host,
                REMOTE,
                &rules(false, false)
            ),
            Access::Allowed(Viewer::Remote)
        );
    }
}

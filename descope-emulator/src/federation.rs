//! The emulator as identity provider: logins started by OAuth or SSO wait on an IdP page
//! (`/emulator/v1/idp/<page>`) until a browser (or a test's HTTP client) fills it in, which
//! issues a one-time code for the app's callback; the exchange of that code signs the user
//! in. Pages and codes are single use, expire after `--code-ttl`, live in memory only (a
//! restart ends logins in progress), and are bounded in number.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::failure::Failure;

/// How many pages, and how many codes, are kept at most (expired ones go first, then the
/// oldest).
const MAX_ENTRIES: usize = 10_000;

/// Which exchange a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    OAuth,
    Sso,
}

/// What a login started as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Social login with `provider`, as `mode` says.
    OAuth { provider: String, mode: Mode },
    /// The SSO of a tenant.
    Sso { tenant_id: String },
}

impl Flow {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Flow::OAuth { .. } => Kind::OAuth,
            Flow::Sso { .. } => Kind::Sso,
        }
    }
}

/// Which users an OAuth login accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Signs in a known user, signs up a new one.
    SignUpOrIn,
    /// Known users only.
    SignIn,
    /// New users only.
    SignUp,
    /// Adds the provider to this signed-in user.
    Link(String),
}

/// A login waiting on its IdP page.
#[derive(Clone, Debug)]
pub(crate) struct Started {
    pub(crate) flow: Flow,
    /// The app's callback, where the page sends the browser with a code.
    pub(crate) redirect_url: String,
    pub(crate) login_hint: Option<String>,
    pub(crate) custom_claims: Map<String, Value>,
    pub(crate) expires_at: i64,
}

/// What a code, once exchanged, signs in.
#[derive(Clone, Debug)]
pub(crate) struct Completed {
    pub(crate) flow: Flow,
    pub(crate) email: String,
    pub(crate) name: Option<String>,
    pub(crate) custom_claims: Map<String, Value>,
    pub(crate) expires_at: i64,
}

/// Why a page cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PageRefusal {
    /// Unknown, used, or expired.
    Gone,
    /// The form's email is empty or not an address.
    NoEmail,
}

/// Pages waiting and codes not exchanged yet.
#[derive(Default)]
pub(crate) struct Federation {
    pages: HashMap<String, Started>,
    codes: HashMap<String, Completed>,
}

/// Drops expired entries, then the ones expiring first, down to room for one more.
fn bound<T>(map: &mut HashMap<String, T>, expires: fn(&T) -> i64, now: i64) {
    map.retain(|_, entry| expires(entry) > now);
    while map.len() >= MAX_ENTRIES {
        let first = map
            .iter()
            .min_by_key(|(_, entry)| expires(entry))
            .map(|(key, _)| key.clone());
        match first {
            Some(key) => map.remove(&key),
            None => break,
        };
    }
}

impl Federation {
    /// Keeps `started` under the new page ID `page`.
    pub(crate) fn start(&mut self, page: String, started: Started, now: i64) {
        bound(&mut self.pages, |s| s.expires_at, now);
        self.pages.insert(page, started);
    }

    /// The login waiting on `page`, unless it is unknown, used or expired.
    pub(crate) fn page(&self, page: &str, now: i64) -> Option<&Started> {
        self.pages.get(page).filter(|s| s.expires_at > now)
    }

    /// Completes `page` as `email` (the page is then used) and keeps the login under the new
    /// `code`; returns where to send the browser.
    pub(crate) fn complete(
        &mut self,
        page: &str,
        email: &str,
        name: Option<String>,
        code: String,
        expires_at: i64,
        now: i64,
    ) -> Result<String, PageRefusal> {
        self.page(page, now).ok_or(PageRefusal::Gone)?;
        let email = email.trim();
        if email.is_empty() || !email.contains('@') {
            return Err(PageRefusal::NoEmail);
        }
        let started = self.pages.remove(page).ok_or(PageRefusal::Gone)?;
        let mut url = url::Url::parse(&started.redirect_url).map_err(|_| PageRefusal::Gone)?;
        url.query_pairs_mut().append_pair("code", &code);
        bound(&mut self.codes, |c| c.expires_at, now);
        self.codes.insert(
            code,
            Completed {
                flow: started.flow,
                email: email.to_owned(),
                name: name.filter(|n| !n.trim().is_empty()),
                custom_claims: started.custom_claims,
                expires_at,
            },
        );
        Ok(url.into())
    }

    /// Spends `code` at the exchange of `kind`: unknown, used or of the other kind is a wrong
    /// code (a code of the other kind stays valid for its own exchange), expired is expired.
    pub(crate) fn exchange(
        &mut self,
        code: &str,
        kind: Kind,
        now: i64,
    ) -> Result<Completed, Failure> {
        let entry = self.codes.get(code).ok_or(Failure::WrongCode)?;
        if entry.flow.kind() != kind {
            return Err(Failure::WrongCode);
        }
        let entry = self.codes.remove(code).ok_or(Failure::WrongCode)?;
        if entry.expires_at <= now {
            return Err(Failure::CodeExpired);
        }
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn started(kind: Kind, redirect_url: &str, expires_at: i64) -> Started {
        let flow = match kind {
            Kind::OAuth => Flow::OAuth {
                provider: "github".into(),
                mode: Mode::SignUpOrIn,
            },
            Kind::Sso => Flow::Sso {
                tenant_id: "T1".into(),
            },
        };
        Started {
            flow,
            redirect_url: redirect_url.into(),
            login_hint: None,
            custom_claims: Map::new(),
            expires_at,
        }
    }

    #[test]
    fn a_page_is_used_once_and_its_code_keeps_the_callback_query() {
        let mut federation = Federation::default();
        federation.start(
            "P".into(),
            started(Kind::OAuth, "http://app/cb?from=x", 100),
            0,
        );
        assert_eq!(
            federation.complete("P", " ", None, "C".into(), 100, 1),
            Err(PageRefusal::NoEmail)
        );
        let url = federation
            .complete("P", "ada@example.com", None, "C".into(), 100, 1)
            .unwrap();
        assert_eq!(url, "http://app/cb?from=x&code=C");
        assert_eq!(
            federation.complete("P", "ada@example.com", None, "D".into(), 100, 2),
            Err(PageRefusal::Gone)
        );
        assert_eq!(
            federation.exchange("C", Kind::Sso, 3).unwrap_err(),
            Failure::WrongCode
        );
        assert_eq!(
            federation.exchange("C", Kind::OAuth, 3).unwrap().email,
            "ada@example.com"
        );
        assert_eq!(
            federation.exchange("C", Kind::OAuth, 3).unwrap_err(),
            Failure::WrongCode
        );
    }

    #[test]
    fn pages_and_codes_expire() {
        let mut federation = Federation::default();
        federation.start("P".into(), started(Kind::Sso, "http://app/cb", 10), 0);
        assert!(federation.page("P", 10).is_none());
        assert_eq!(
            federation.complete("P", "a@b.c", None, "C".into(), 20, 10),
            Err(PageRefusal::Gone)
        );
        federation.start("Q".into(), started(Kind::Sso, "http://app/cb", 30), 10);
        federation
            .complete("Q", "a@b.c", None, "C".into(), 20, 11)
            .unwrap();
        assert_eq!(
            federation.exchange("C", Kind::Sso, 20).unwrap_err(),
            Failure::CodeExpired
        );
    }

    #[test]
    fn the_number_of_pages_is_bounded() {
        let mut federation = Federation::default();
        for i in 0..MAX_ENTRIES + 5 {
            federation.start(
                format!("P{i}"),
                started(Kind::OAuth, "http://app/cb", 100 + i as i64),
                0,
            );
        }
        assert!(federation.pages.len() <= MAX_ENTRIES);
        assert!(federation
            .page(&format!("P{}", MAX_ENTRIES + 4), 0)
            .is_some());
    }
}

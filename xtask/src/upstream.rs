//! `cargo xtask upstream <file>`: our `openapi.yaml` against Descope's published OpenAPI
//! document, on the operations we implement (matched by method and path), with what we change
//! on purpose masked, so what is left is real drift a maintainer can act on.
//!
//! Each difference is reported once per schema location (`JWTResponse.unsavedSSO`), with the
//! operations that use it. Upstream operations in the same path family as ours that we do not
//! implement are listed apart, one line each.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::spec::{deref, operations, Operation};

/// What we change on purpose, each with why: a difference these explain is not drift.
pub const MASKED_POLICIES: &[(&str, &str)] = &[
    (
        "nullability",
        "our response fields are `nullable` and none is `required`: the service omits and nulls \
         fields freely, and decoding must not fail on that",
    ),
    (
        "secret-schemas",
        "passwords and tokens are our `Password`, `SessionJwt`, `RefreshJwt` and `OpaqueToken` \
         schemas (strings with a format) so the generated types redact them",
    ),
    (
        "names",
        "operationIds and schema names are ours (the generated Rust names); shapes are compared",
    ),
    (
        "errors",
        "our error responses are one `ErrorResponse` on 4XX/5XX; only the 200 answer is compared",
    ),
    (
        "wider-integers",
        "integers we declare int64 where upstream says int32 (times, ages): wider on purpose, \
         every int32 value fits",
    ),
    (
        "response-extras",
        "response fields we declare that upstream lacks (we decode a superset: `tryRefresh` \
         shares our JWTResponse; extra optional fields cost nothing when absent)",
    ),
    (
        "deliberate",
        "the differences listed in DELIBERATE and the routes in ROUTE_ALIASES, each with its \
         reason",
    ),
    (
        "documentation",
        "descriptions, summaries, examples, defaults and tags are not compared",
    ),
];

/// Single differences we keep on purpose, by location and change, with why.
pub const DELIBERATE: &[(&str, &str, &str)] = &[
    (
        "PasswordResetRequest.templateId",
        "our field upstream lacks",
        "the official SDKs send it (shared/wire.md)",
    ),
    (
        "SignUpOptions.templateId",
        "our field upstream lacks",
        "the official SDKs send it (shared/wire.md)",
    ),
    (
        "LoginOptions.pkceChallenge",
        "format: ours none, upstream bytes",
        "base64 text, taken and sent as the caller gives it",
    ),
    (
        "SignUpOptions.pkceChallenge",
        "format: ours none, upstream bytes",
        "base64 text, taken and sent as the caller gives it",
    ),
    (
        "CreateUserRequest.displayName",
        "our field upstream lacks",
        "both official SDKs send `displayName` (shared/wire-management.md)",
    ),
    (
        "CreateUserRequest.name",
        "upstream field we lack (string)",
        "the SDKs send the name as `displayName`",
    ),
    (
        "CreateUserRequest.additionalLoginIds",
        "our field upstream lacks",
        "both official SDKs send `additionalLoginIds` (shared/wire-management.md)",
    ),
    (
        "CreateUserRequest.additionalIdentifiers",
        "upstream field we lack (array)",
        "the SDKs send extra login IDs as `additionalLoginIds`",
    ),
    (
        "CreateUserRequest.password",
        "upstream field we lack (string)",
        "neither SDK's single create sends a password: it comes from `password/set/*`",
    ),
    (
        "CreateUserRequest.hashedPassword",
        "upstream field we lack (object)",
        "password import is batch create's, out of scope",
    ),
    (
        "LinkSignInRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the redirect URL as `URI` (shared/wire-lifecycle.md); the published prose says `URI` too",
    ),
    (
        "LinkSignInRequest.redirectUrl",
        "upstream field we lack (string)",
        "we send `URI`, what the SDKs send and the service reads (shared/wire-lifecycle.md)",
    ),
    (
        "LinkSignUpRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the redirect URL as `URI` (shared/wire-lifecycle.md); the published prose says `URI` too",
    ),
    (
        "LinkSignUpRequest.redirectUrl",
        "upstream field we lack (string)",
        "we send `URI`, what the SDKs send and the service reads (shared/wire-lifecycle.md)",
    ),
    (
        "LinkUpdateEmailRequest.URI",
        "our field upstream lacks",
        "both official SDKs send the redirect URL as `URI` (shared/wire-lifecycle.md); the published prose says `URI` too",
    ),
    (
        "LinkUpdateEmailRequest.redirectUrl",
        "upstream field we lack (string)",
        "we send `URI`, what the SDKs send and the service reads (shared/wire-lifecycle.md)",
    ),
    (
        "LinkUpdateEmailRequest.templateId",
        "our field upstream lacks",
        "both official SDKs send it on email updates (shared/wire-lifecycle.md)",
    ),
    (
        "OtpUpdateEmailRequest.templateId",
        "our field upstream lacks",
        "both official SDKs send it on email updates (shared/wire-lifecycle.md)",
    ),
    (
        "OtpUpdateEmailRequest.mfa",
        "our field upstream lacks",
        "the Python SDK sends `mfa` on OTP email updates (shared/wire-lifecycle.md)",
    ),
    (
        "OtpSignUpUser.email",
        "our field upstream lacks",
        "the Python SDK puts the address in `user.email` (shared/wire-lifecycle.md)",
    ),
    (
        "LinkVerifyRequest.pkceVerifier",
        "upstream field we lack (string bytes)",
        "neither official SDK sends it (shared/wire-lifecycle.md)",
    ),
    (
        "MeHistoryResponse",
        "type: ours array, upstream object",
        "the service answers a bare array: Python returns it as a list, Go decodes `[]`",
    ),
];

/// Our routes that are another route upstream, with why: compared with that one, which is
/// then not listed as unimplemented.
pub const ROUTE_ALIASES: &[(&str, &str, &str)] = &[(
    "POST /v2/mgmt/user/update/role/add",
    "POST /v1/mgmt/user/update/role/add",
    "both official SDKs call the /v2 path; the published document shows /v1",
)];

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    /// Schema location: `JWTResponse.unsavedSSO`, or `<operation> query.certs` for parameters.
    pub location: String,
    /// What differs.
    pub change: String,
}

/// The report: drift by location (with the operations using it), masked counts, and upstream
/// operations next to ours that we lack.
#[derive(Debug, Default)]
pub struct Report {
    pub drift: BTreeMap<Drift, BTreeSet<String>>,
    pub masked: BTreeMap<&'static str, usize>,
    pub unimplemented: BTreeSet<String>,
    pub matched: usize,
}

impl Report {
    pub fn has_drift(&self) -> bool {
        !self.drift.is_empty()
    }

    pub fn to_json(&self) -> Value {
        let drift: Vec<Value> = self
            .drift
            .iter()
            .map(|(d, ops)| json!({"location": d.location, "change": d.change, "operations": ops}))
            .collect();
        let policies: Vec<Value> = MASKED_POLICIES
            .iter()
            .map(|(name, why)| {
                json!({"policy": name, "why": why, "masked": self.masked.get(name).copied().unwrap_or(0)})
            })
            .collect();
        json!({
            "matched_operations": self.matched,
            "drift": drift,
            "masked": policies,
            "unimplemented": self.unimplemented,
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "drift on the {} operations we implement ({})\n",
            self.matched,
            self.drift.len()
        );
        for (drift, ops) in &self.drift {
            let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
            out.push_str(&format!(
                "  {}: {} [{}]\n",
                drift.location,
                drift.change,
                ops.join(", ")
            ));
        }
        let masked: usize = self.masked.values().sum();
        out.push_str(&format!("masked on purpose ({masked}):"));
        for (name, _) in MASKED_POLICIES {
            if let Some(count) = self.masked.get(name) {
                out.push_str(&format!(" {name} {count};"));
            }
        }
        out.push('\n');
        out.push_str(&format!(
            "upstream operations next to ours, not implemented ({})\n",
            self.unimplemented.len()
        ));
        for op in &self.unimplemented {
            out.push_str(&format!("  {op}\n"));
        }
        out
    }
}

/// `/v2/keys/{projectId}` and `/v2/keys/{id}` are the same route.
fn route(method: &str, path: &str) -> String {
    let mut normalized = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_param = true;
                normalized.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => normalized.push(c),
            _ => {}
        }
    }
    format!("{} {normalized}", method.to_uppercase())
}

/// The path family of a route: everything up to its last segment (`/v1/auth/password`).
fn family(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit_once('/')
        .map_or(path, |(parent, _)| parent)
}

/// The schema of the JSON request body, and of the 200 answer.
fn body(op: &Value, response: bool) -> Option<&Value> {
    let holder = if response {
        op.get("responses")?.get("200")?
    } else {
        op.get("requestBody")?
    };
    holder
        .get("content")?
        .get("application/json")?
        .get("schema")
}

const SECRET_SCHEMAS: &[&str] = &["Password", "SessionJwt", "RefreshJwt", "OpaqueToken"];

struct Walker<'a> {
    ours: &'a Value,
    theirs: &'a Value,
    report: &'a mut Report,
    operation: String,
    response: bool,
}

fn short(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn kind(schema: &Value) -> (Option<&str>, Option<&str>) {
    (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    )
}

impl Walker<'_> {
    fn drift(&mut self, location: String, change: String) {
        if DELIBERATE
            .iter()
            .any(|(at, what, _)| *at == location && *what == change)
        {
            self.mask("deliberate");
            return;
        }
        self.report
            .drift
            .entry(Drift { location, change })
            .or_default()
            .insert(self.operation.clone());
    }

    fn mask(&mut self, policy: &'static str) {
        *self.report.masked.entry(policy).or_default() += 1;
    }

    /// Compares two schemas at `location` (named after our schema when we have one).
    fn schema(&mut self, location: &str, ours: &Value, theirs: &Value, depth: usize) {
        if depth > 12 {
            return;
        }
        let (o, our_ref) = deref(self.ours, ours);
        let (t, their_ref) = deref(self.theirs, theirs);
        if our_ref.is_some_and(|r| SECRET_SCHEMAS.contains(&short(r))) {
            // A secret is a string with a format of ours: only the string type is compared.
            if kind(t).0.is_some_and(|k| k != "string") {
                self.drift(
                    location.to_owned(),
                    format!(
                        "upstream type {}, ours a secret string",
                        kind(t).0.unwrap_or("?")
                    ),
                );
            } else {
                self.mask("secret-schemas");
            }
            return;
        }
        if our_ref.is_some() || their_ref.is_some() {
            self.mask("names");
        }
        // Locations are named after our schema: that is what a maintainer edits.
        let here = match our_ref {
            Some(reference) => short(reference).to_owned(),
            None => location.to_owned(),
        };
        let ((ot, of), (tt, tf)) = (kind(o), kind(t));
        let untyped = |k: Option<&str>| k.is_none() || k == Some("object");
        if ot != tt && !(untyped(ot) && untyped(tt)) {
            self.drift(
                here.clone(),
                format!(
                    "type: ours {}, upstream {}",
                    ot.unwrap_or("any"),
                    tt.unwrap_or("any")
                ),
            );
            return;
        }
        if of != tf {
            if of == Some("int64") && tf == Some("int32") {
                self.mask("wider-integers");
            } else {
                self.drift(
                    here.clone(),
                    format!(
                        "format: ours {}, upstream {}",
                        of.unwrap_or("none"),
                        tf.unwrap_or("none")
                    ),
                );
            }
        }
        if o.get("nullable") != t.get("nullable") || o.get("required") != t.get("required") {
            self.mask("nullability");
        }
        self.enums(&here, o.get("enum"), t.get("enum"));
        self.properties(&here, o, t, depth);
        if let (Some(oi), Some(ti)) = (o.get("items"), t.get("items")) {
            self.schema(&format!("{here}[]"), oi, ti, depth + 1);
        }
    }

    fn enums(&mut self, here: &str, ours: Option<&Value>, theirs: Option<&Value>) {
        let set = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array)
                .map(|a| a.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default()
        };
        let (o, t) = (set(ours), set(theirs));
        for value in t.difference(&o) {
            self.drift(
                here.to_owned(),
                format!("upstream enum value {value} we lack"),
            );
        }
        for value in o.difference(&t) {
            self.drift(
                here.to_owned(),
                format!("enum value {value} upstream lacks"),
            );
        }
    }

    fn properties(&mut self, here: &str, o: &Value, t: &Value, depth: usize) {
        let empty = serde_json::Map::new();
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let tp = t
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, theirs) in tp {
            match op.get(name) {
                Some(ours) => self.schema(&format!("{here}.{name}"), ours, theirs, depth + 1),
                None => {
                    let (theirs, _) = deref(self.theirs, theirs);
                    let (kind, format) = kind(theirs);
                    let shape = match format {
                        Some(format) => format!("{} {format}", kind.unwrap_or("object")),
                        None => kind.unwrap_or("object").to_owned(),
                    };
                    self.drift(
                        format!("{here}.{name}"),
                        format!("upstream field we lack ({shape})"),
                    );
                }
            }
        }
        for name in op.keys().filter(|n| !tp.contains_key(*n)) {
            if self.response {
                self.mask("response-extras");
            } else {
                self.drift(format!("{here}.{name}"), "our field upstream lacks".into());
            }
        }
    }

    fn parameters(&mut self, ours: &Operation<'_>, theirs: &Operation<'_>) {
        let collect = |spec: &Value, op: &Operation<'_>| -> BTreeMap<String, Value> {
            [op.path_parameters, op.op.get("parameters")]
                .into_iter()
                .flatten()
                .flat_map(|list| list.as_array().cloned().unwrap_or_default())
                .map(|p| deref(spec, &p).0.clone())
                .filter_map(|p| {
                    let place = p.get("in")?.as_str()?.to_owned();
                    let name = p.get("name")?.as_str()?.to_owned();
                    // Path parameters are matched by position in the route, not by name.
                    let key = if place == "path" {
                        "path".to_owned()
                    } else {
                        format!("{place}.{name}")
                    };
                    Some((key, p))
                })
                .collect()
        };
        let (o, t) = (collect(self.ours, ours), collect(self.theirs, theirs));
        let here = self.operation.clone();
        for (key, param) in &t {
            if !o.contains_key(key) {
                let required = param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let kind = if required { "required" } else { "optional" };
                self.drift(
                    format!("{here} {key}"),
                    format!("upstream {kind} parameter we lack"),
                );
            }
        }
        for key in o.keys().filter(|k| !t.contains_key(*k)) {
            self.drift(
                format!("{here} {key}"),
                "our parameter upstream lacks".into(),
            );
        }
    }
}

/// Compares `ours` with Descope's published document `theirs`.
pub fn compare(ours: &Value, theirs: &Value) -> Report {
    compare_with_aliases(ours, theirs, ROUTE_ALIASES)
}

/// [`compare`] with another table of route aliases (`ours`, `theirs`, why).
pub fn compare_with_aliases(
    ours: &Value,
    theirs: &Value,
    aliases: &[(&str, &str, &str)],
) -> Report {
    let mut report = Report::default();
    let their_ops: BTreeMap<String, Operation<'_>> = operations(theirs)
        .into_iter()
        .map(|op| (route(op.method, op.path), op))
        .collect();
    let our_ops = operations(ours);
    let our_routes: BTreeSet<String> = our_ops
        .iter()
        .map(|op| route(op.method, op.path))
        .flat_map(|ours| {
            let alias = aliases
                .iter()
                .find(|(o, _, _)| *o == ours)
                .map(|(_, theirs, _)| (*theirs).to_owned());
            std::iter::once(ours).chain(alias)
        })
        .collect();
    let families: BTreeSet<&str> = our_ops.iter().map(|op| family(op.path)).collect();
    for op in &our_ops {
        let ours_route = route(op.method, op.path);
        let alias = aliases
            .iter()
            .find(|(ours, _, _)| *ours == ours_route)
            .map(|(_, theirs, _)| (*theirs).to_owned());
        if alias.is_some() {
            *report.masked.entry("deliberate").or_default() += 1;
        }
        let Some(theirs_op) = their_ops.get(alias.as_ref().unwrap_or(&ours_route)) else {
            report
                .drift
                .entry(Drift {
                    location: op.label(),
                    change: "not in the upstream document".into(),
                })
                .or_default()
                .insert(op.label());
            continue;
        };
        report.matched += 1;
        *report.masked.entry("errors").or_default() += 1;
        let mut walker = Walker {
            ours,
            theirs,
            report: &mut report,
            operation: op.id().unwrap_or(op.path).to_owned(),
            response: false,
        };
        walker.parameters(op, theirs_op);
        for response in [false, true] {
            match (body(op.op, response), body(theirs_op.op, response)) {
                (Some(o), Some(t)) => {
                    let at = if response { "response" } else { "request" };
                    walker.response = response;
                    walker.schema(at, o, t, 0);
                }
                (None, Some(_)) if !response => walker.drift(
                    format!("{} request", walker.operation),
                    "upstream has a request body we do not send".into(),
                ),
                _ => {}
            }
        }
    }
    for (key, op) in &their_ops {
        if !our_routes.contains(key) && families.contains(family(op.path)) {
            report.unimplemented.insert(op.label());
        }
    }
    report
}

//! Our conventions for what is adopted, the ones `xtask upstream` masks as deliberate: names,
//! tags, security schemes, secret fields, 64-bit times and descriptions rustdoc can read.

/// `CreateTenant` → `createTenant`, `SSOAuthorize` → `ssoAuthorize`, `UpdateUserLoginID` →
/// `updateUserLoginId`: our operationId style (words, an acronym being one word, in camel case).
pub fn lower_camel(id: &str) -> String {
    let pascal_words = super::schemas::rust_name(id);
    let mut chars = pascal_words.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `createTenant` → `CreateTenant`: the prefix of a schema renamed for an operation.
pub fn pascal(id: &str) -> String {
    let mut chars = id.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// An operationId for an upstream operation without one: `POST /v1/mgmt/tenant/create` →
/// `postMgmtTenantCreate`.
pub fn id_from_route(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for segment in path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('v'))
    {
        for word in segment.split(|c: char| !c.is_ascii_alphanumeric()) {
            id.push_str(&pascal(word));
        }
    }
    id
}

/// Our tag for a path: `management` for `/v1/mgmt/...`, the method family for `/v1/auth/...`
/// (`/v1/auth/magiclink/...` → `magicLink`), `session` for the session routes.
pub fn tag(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .skip_while(|s| s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()))
        .collect();
    match segments.as_slice() {
        ["mgmt", ..] | ["scim", ..] => "management".to_owned(),
        ["keys", ..] => "keys".to_owned(),
        ["auth", family, ..] => match *family {
            "magiclink" => "magicLink".to_owned(),
            "enchantedlink" => "enchantedLink".to_owned(),
            "accesskey" => "accessKey".to_owned(),
            "refresh" | "try-refresh" | "logout" | "logoutall" | "me" | "tenant" | "validate" => {
                "session".to_owned()
            }
            other => lower_camel(
                &other
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .map(pascal)
                    .collect::<String>(),
            ),
        },
        [first, ..] => lower_camel(&pascal(first)),
        [] => "other".to_owned(),
    }
}

/// Our security scheme for an upstream one, with the `Authorization` it means and, for a
/// scheme `openapi.yaml` may not have yet, its description.
pub struct Scheme {
    pub name: &'static str,
    pub authorization: &'static str,
    pub description: &'static str,
}

pub fn scheme(upstream: &str) -> Option<Scheme> {
    let (name, authorization, description) = match upstream {
        "Descope Project ID" => (
            "project",
            "`Bearer <projectId>`",
            "`Bearer <projectId>`, followed by `:<managementKey>` when one is configured.",
        ),
        "Descope Project ID:Refresh JWT" => (
            "projectRefresh",
            "`Bearer <projectId>:<refreshJwt>`",
            "`Bearer <projectId>:<refreshJwt>`, followed by `:<managementKey>` when one is configured.",
        ),
        "Descope Project ID:Access Key" => (
            "projectAccessKey",
            "`Bearer <projectId>:<accessKey>`",
            "`Bearer <projectId>:<accessKey>`, followed by `:<managementKey>` when one is configured.",
        ),
        "Descope Project ID:Session JWT" => (
            "projectSession",
            "`Bearer <projectId>:<sessionJwt>`",
            "`Bearer <projectId>:<sessionJwt>`, followed by `:<managementKey>` when one is configured.",
        ),
        "Descope Project ID and Management Key" => (
            "projectManagement",
            "`Bearer <projectId>:<managementKey>`",
            "`Bearer <projectId>:<managementKey>`: the management key, required.",
        ),
        _ => return None,
    };
    Some(Scheme {
        name,
        authorization,
        description,
    })
}

/// The secret schema a string field of this name carries, if any: passwords, JWTs, tokens,
/// secrets, key material and one-time codes and links.
pub fn secret_schema(field: &str) -> Option<&'static str> {
    let lower = field.to_ascii_lowercase();
    if lower.ends_with("password") {
        Some("Password")
    } else if lower.ends_with("refreshjwt") {
        Some("RefreshJwt")
    } else if lower.ends_with("jwt") {
        Some("SessionJwt")
    } else if lower.ends_with("token")
        || lower.ends_with("secret")
        || matches!(
            lower.as_str(),
            "cleartext" | "code" | "key" | "link" | "otp" | "pendingref" | "provisioningurl"
        )
    {
        Some("OpaqueToken")
    } else {
        None
    }
}

/// Whether an integer field of this name is a time (seconds or milliseconds since the epoch,
/// or a duration), which we declare 64-bit whatever upstream says.
pub fn is_time(field: &str) -> bool {
    let lower = field.to_ascii_lowercase();
    lower.ends_with("time")
        || lower.ends_with("timestamp")
        || lower.ends_with("at")
        || lower.contains("expir")
        || matches!(lower.as_str(), "exp" | "iat" | "nbf" | "ttl")
}

/// An upstream description as ours: its first paragraph, headings and links flattened, on one
/// line, with `<placeholders>` in backticks (rustdoc would read them as HTML).
pub fn describe(text: &str) -> String {
    let paragraph = text
        .split("\n\n")
        .map(|p| p.trim().trim_start_matches('#').trim())
        .find(|p| !p.is_empty())
        .unwrap_or_default();
    let flat = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(flat.len());
    let mut rest = flat.as_str();
    // Markdown links: [text](url) → text.
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|mid| {
            after[mid + 2..]
                .find(')')
                .map(|close| (mid, mid + 2 + close))
        }) {
            Some((mid, close)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..mid]);
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    backtick_angles(&out)
}

/// `a <b> c` → ``a `<b>` c``, outside existing backticks.
fn backtick_angles(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => {
                out.push('`');
                out.push('<');
                for next in chars.by_ref() {
                    out.push(next);
                    if next == '>' {
                        break;
                    }
                }
                out.push('`');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_our_style() {
        assert_eq!(lower_camel("CreateTenant"), "createTenant");
        assert_eq!(lower_camel("SSOAuthorize"), "ssoAuthorize");
        assert_eq!(lower_camel("TOTP"), "totp");
        assert_eq!(lower_camel("UpdateUserLoginID"), "updateUserLoginId");
        assert_eq!(
            lower_camel("SignUpOTPInstantMessage"),
            "signUpOtpInstantMessage"
        );
        assert_eq!(lower_camel("searchAudit"), "searchAudit");
        assert_eq!(
            id_from_route("GET", "/v1/mgmt/fga/mappable/resources"),
            "getMgmtFgaMappableResources"
        );
        assert_eq!(tag("/v1/mgmt/tenant/create"), "management");
        assert_eq!(tag("/v1/auth/magiclink/signin/sms"), "magicLink");
        assert_eq!(tag("/v1/auth/oauth/authorize"), "oauth");
        assert_eq!(tag("/v1/auth/try-refresh"), "session");
        assert_eq!(tag("/v2/keys/{projectId}"), "keys");
    }

    #[test]
    fn secrets_and_times_are_recognised_by_name() {
        assert_eq!(secret_schema("newPassword"), Some("Password"));
        assert_eq!(secret_schema("refreshJwt"), Some("RefreshJwt"));
        assert_eq!(secret_schema("jwt"), Some("SessionJwt"));
        assert_eq!(secret_schema("cleartext"), Some("OpaqueToken"));
        assert_eq!(secret_schema("externalToken"), Some("OpaqueToken"));
        assert_eq!(secret_schema("loginId"), None);
        assert!(is_time("createdTime"));
        assert!(is_time("expireTime"));
        assert!(!is_time("total"));
    }

    #[test]
    fn descriptions_keep_their_first_paragraph_readable_by_rustdoc() {
        assert_eq!(
            describe("### Create a new tenant, using a valid [key](/api/keys).\n\nMore."),
            "Create a new tenant, using a valid key."
        );
        assert_eq!(
            describe("Send `<a>` and <b> then [x]"),
            "Send `<a>` and `<b>` then [x]"
        );
    }
}

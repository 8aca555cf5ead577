//! The HTML of the web examples (`web_app.rs`; any framework): plain strings, every piece of
//! user input escaped. The element ids are the examples' fixed interface.

/// Escapes text for HTML (login IDs, names and addresses are user input).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    )
}

/// `/`: the sign-in (`#login`) and sign-up (`#signup`) forms, and the forgot-password link.
pub fn home() -> String {
    page(
        "Welcome",
        "<h2>Sign in</h2>\
         <form id=\"login\" method=\"post\" action=\"/login\">\
         <input name=\"login_id\" placeholder=\"email\" autocomplete=\"username\">\
         <input name=\"password\" type=\"password\" autocomplete=\"current-password\">\
         <button type=\"submit\">Sign in</button></form>\
         <p><a id=\"forgot-link\" href=\"/forgot\">Forgot your password?</a></p>\
         <p><a id=\"oauth-github\" href=\"/oauth/github\">Continue with GitHub</a></p>\
         <form id=\"sso-form\" method=\"post\" action=\"/sso\">\
         <input name=\"email\" type=\"email\" placeholder=\"work email\" autocomplete=\"email\">\
         <button type=\"submit\">Continue with SSO</button></form>\
         <h2>Sign up</h2>\
         <form id=\"signup\" method=\"post\" action=\"/signup\">\
         <input name=\"name\" placeholder=\"name\">\
         <input name=\"login_id\" placeholder=\"email\" autocomplete=\"username\">\
         <input name=\"password\" type=\"password\" autocomplete=\"new-password\">\
         <button type=\"submit\">Sign up</button></form>",
    )
}

/// What `/me` shows of the user.
pub struct Profile<'a> {
    pub user_id: &'a str,
    pub login_id: &'a str,
    pub name: Option<&'a str>,
    pub email_verified: bool,
    /// Whether the user has an authenticator app (`None`: not known, a bearer-only request).
    pub totp: Option<bool>,
}

/// `/me`: the profile (`#user-id`, `#login-id`, `#email-verified`), the change-password form
/// (`#password`), the verify-email form (`#verify-email`) and the logout form (`#logout`).
pub fn me(profile: &Profile<'_>) -> String {
    page(
        "Your account",
        &format!(
            "<p>User <span id=\"user-id\">{}</span>, signed in as \
             <span id=\"login-id\">{}</span>{}</p>\
             <p>Email verified: <span id=\"email-verified\">{}</span></p>{}\
             <h2>Change password</h2>\
             <form id=\"password\" method=\"post\" action=\"/password\">\
             <input name=\"old_password\" type=\"password\" autocomplete=\"current-password\">\
             <input name=\"new_password\" type=\"password\" autocomplete=\"new-password\">\
             <button type=\"submit\">Change</button></form>\
             <h2>Verify an email address</h2>\
             <form id=\"verify-email\" method=\"post\" action=\"/verify-email\">\
             <input name=\"email\" type=\"email\" autocomplete=\"email\">\
             <button type=\"submit\">Send a code</button></form>\
             <form id=\"logout\" method=\"post\" action=\"/logout\">\
             <button type=\"submit\">Log out</button></form>",
            escape(profile.user_id),
            escape(profile.login_id),
            profile
                .name
                .map(|n| format!(" (<span id=\"name\">{}</span>)", escape(n)))
                .unwrap_or_default(),
            profile.email_verified,
            profile
                .totp
                .map(|on| format!(
                    "<p>Authenticator app: <span id=\"totp-enabled\">{on}</span> \
                     <a id=\"two-factor-link\" href=\"/two-factor\">Two-factor</a></p>"
                ))
                .unwrap_or_default(),
        ),
    )
}

/// `GET /two-factor`: the `#enable-totp` form (a new key replaces the old one once confirmed).
pub fn two_factor(enabled: bool) -> String {
    let (state, action) = if enabled {
        ("on", "Replace the key")
    } else {
        ("off", "Enable an authenticator app")
    };
    page(
        "Two-factor",
        &format!(
            "<p>Authenticator app: <span id=\"totp-state\">{state}</span></p>\
             <form id=\"enable-totp\" method=\"post\" action=\"/two-factor\">\
             <button type=\"submit\">{action}</button></form><p><a href=\"/me\">Back</a></p>"
        ),
    )
}

/// `POST /two-factor`: the new key as a QR code (`#totp-qr`) and as text (`#totp-key`), and the
/// `#confirm-totp` form (`code`) that turns it on.
pub fn totp_enroll(qr_png_base64: &str, key: &str) -> String {
    page(
        "Scan with your authenticator app",
        &format!(
            "<p><img id=\"totp-qr\" alt=\"QR code\" src=\"data:image/png;base64,{}\"></p>\
             <p>Or type the key: <code id=\"totp-key\">{}</code></p>\
             <form id=\"confirm-totp\" method=\"post\" action=\"/two-factor/confirm\">\
             <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\">\
             <button type=\"submit\">Turn on</button></form>",
            escape(qr_png_base64),
            escape(key),
        ),
    )
}

/// `POST /login` of a user with an authenticator app: the `#totp-login` form (`code`).
pub fn totp_login() -> String {
    page(
        "Enter the code from your authenticator app",
        "<form id=\"totp-login\" method=\"post\" action=\"/login/totp\">\
         <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\">\
         <button type=\"submit\">Sign in</button></form>",
    )
}

/// `GET /forgot`: the `#forgot` form.
pub fn forgot() -> String {
    page(
        "Forgot your password?",
        "<form id=\"forgot\" method=\"post\" action=\"/forgot\">\
         <input name=\"login_id\" placeholder=\"email\" autocomplete=\"username\">\
         <button type=\"submit\">Send me a link</button></form>",
    )
}

/// `POST /forgot`: the same page whether the account exists or not.
pub fn forgot_sent() -> String {
    page(
        "Check your email",
        "<p id=\"forgot-sent\">If an account exists for that login ID, a link to choose a new \
         password is on its way.</p><p><a href=\"/\">Back</a></p>",
    )
}

/// `GET /reset?t=..` with a good token: the `#reset` form.
pub fn reset_form() -> String {
    page(
        "Choose a new password",
        "<form id=\"reset\" method=\"post\" action=\"/reset\">\
         <input name=\"new_password\" type=\"password\" autocomplete=\"new-password\">\
         <button type=\"submit\">Set password</button></form>",
    )
}

/// `GET /reset?t=..` with a bad, used or expired token.
pub fn reset_link_refused() -> String {
    page(
        "This link does not work",
        "<p id=\"error\">The link is wrong, expired or already used.</p>\
         <p><a href=\"/forgot\">Ask for a new one</a></p>",
    )
}

/// `POST /verify-email`: the `#verify-code` form for the code sent to `email`.
pub fn verify_code(email: &str) -> String {
    page(
        "Enter the code",
        &format!(
            "<p>A code was sent to <span id=\"code-sent-to\">{0}</span>.</p>\
             <form id=\"verify-code\" method=\"post\" action=\"/verify-email/code\">\
             <input name=\"email\" type=\"hidden\" value=\"{0}\">\
             <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\">\
             <button type=\"submit\">Verify</button></form>",
            escape(email)
        ),
    )
}

/// A wrong, expired or used code.
pub fn code_refused(message: &str) -> String {
    page(
        "Code refused",
        &format!(
            "<p id=\"error\">{}</p><p><a href=\"/me\">Back</a></p>",
            escape(message)
        ),
    )
}

/// The session ended (or there is none).
pub fn signed_out() -> String {
    page(
        "Not signed in",
        "<p id=\"error\">Your session has ended.</p><p><a href=\"/\">Sign in</a></p>",
    )
}

/// A failure: its message and the unmet password rules, if any.
pub fn failure(message: &str, unmet: &[String]) -> String {
    let mut text = format!("<p id=\"error\">{}</p>", escape(message));
    if !unmet.is_empty() {
        text.push_str("<ul id=\"unmet\">");
        for rule in unmet {
            text.push_str(&format!("<li>{}</li>", escape(rule)));
        }
        text.push_str("</ul>");
    }
    text.push_str("<p><a href=\"/\">Back</a></p>");
    page("Sorry", &text)
}

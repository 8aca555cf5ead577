//! The console's HTML: server-rendered, no script, no asset from the network. The element ids
//! and classes are a fixed interface (browser tests depend on them).

use super::App;

/// Who is looking at the console page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Viewer {
    /// A loopback peer (or one with the management key): everything.
    Local,
    /// Another peer, let in by `--console-public`: the page without codes, links or actions.
    Remote,
}

/// Escapes text for HTML (everything shown comes from users or clients).
pub(crate) fn escape(text: &str) -> String {
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

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;\
padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}\
form.inline{display:inline}button{margin:0 .15rem}code{background:#f3f3f3;padding:0 .2rem}\
.muted{color:#777}";

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>{STYLE}</style></head><body><h1>{title}</h1>{body}</body></html>"
    )
}

/// A short page: a refusal or an error.
pub(crate) fn message(title: &str, text: &str) -> String {
    document(
        title,
        &format!(
            "<p id=\"message\">{}</p><p><a href=\"/\">Back to the console</a></p>",
            escape(text)
        ),
    )
}

/// `YYYY-MM-DD HH:MM:SS UTC` of Unix seconds.
pub(crate) fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn action(user_id: &str, action: &str, label: &str) -> String {
    format!(
        "<form class=\"inline\" method=\"post\" action=\"/emulator/v1/console/users/{}\">\
         <button name=\"action\" value=\"{action}\">{label}</button></form>",
        escape(user_id)
    )
}

fn users(app: &App, viewer: Viewer) -> String {
    let local = viewer == Viewer::Local;
    let now = app.now();
    let store = app.store();
    let sessions = store.live_sessions(now);
    let mut users: Vec<_> = store.users.values().collect();
    users.sort_by(|a, b| (a.created_time, &a.user_id).cmp(&(b.created_time, &b.user_id)));
    let mut rows = String::new();
    for user in users {
        let status = if user.status.is_empty() {
            "enabled"
        } else {
            user.status.as_str()
        };
        let status_text = if user.password_expired {
            format!("{status}, password expired")
        } else {
            status.to_owned()
        };
        let tenants: Vec<String> = user
            .tenants
            .iter()
            .map(|t| format!("{}: {}", t.tenant_id, t.roles.join(", ")))
            .collect();
        let action = |name: &str, label: &str| {
            if local {
                action(&user.user_id, name, label)
            } else {
                String::new()
            }
        };
        let toggle = if user.is_disabled() {
            action("enable", "Enable")
        } else {
            action("disable", "Disable")
        };
        rows.push_str(&format!(
            "<tr data-login-id=\"{login}\" data-user-id=\"{id}\"><td class=\"login-ids\">{logins}</td>\
             <td class=\"email\">{email}</td><td class=\"verified\">{verified}</td>\
             <td class=\"status\">{status}</td><td class=\"roles\">{roles}</td>\
             <td class=\"tenants\">{tenants}</td><td class=\"totp\">{totp}</td>\
             <td class=\"created\">{created}</td>\
             <td class=\"sessions\">{sessions}</td><td class=\"actions\">{toggle}{expire}{logout}{delete}</td></tr>",
            login = escape(user.login_ids.first().map(String::as_str).unwrap_or("")),
            id = escape(&user.user_id),
            logins = escape(&user.login_ids.join(", ")),
            email = escape(user.email.as_deref().unwrap_or("")),
            verified = user.verified_email,
            status = escape(&status_text),
            roles = escape(&user.roles.join(", ")),
            tenants = escape(&tenants.join("; ")),
            totp = totp_state(user, local, now),
            created = utc(user.created_time),
            sessions = sessions.get(user.user_id.as_str()).copied().unwrap_or(0),
            expire = action("expire-password", "Expire password"),
            logout = action("logout", "Log out everywhere"),
            delete = action("delete", "Delete"),
        ));
    }
    let table = format!(
        "<h2>Users</h2><table id=\"users\"><thead><tr><th>Login IDs</th><th>Email</th>\
         <th>Verified</th><th>Status</th><th>Roles</th><th>Tenants</th><th>TOTP</th><th>Created</th>\
         <th>Sessions</th><th>Actions</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    if !local {
        return table;
    }
    format!(
        "{table}<form id=\"create-user\" method=\"post\" action=\"/emulator/v1/console/users\">\
         <input name=\"login_id\" placeholder=\"login ID\" required>\
         <input name=\"email\" placeholder=\"email (optional)\">\
         <input name=\"password\" type=\"password\" placeholder=\"password (optional)\" autocomplete=\"new-password\">\
         <input name=\"roles\" placeholder=\"roles, comma separated\">\
         <button type=\"submit\">Create user</button></form>"
    )
}

/// A user's authenticator app: `off`, or `on` with, for a local viewer, the code it shows now
/// (a development tool: the outbox shows codes the same way).
fn totp_state(user: &crate::store::StoredUser, local: bool, now: i64) -> String {
    let pending = if user.pending_totp.is_some() {
        " <span class=\"muted\">(new key pending)</span>"
    } else {
        ""
    };
    match (&user.totp, local) {
        (None, _) => format!("off{pending}"),
        (Some(_), false) => format!("on{pending}"),
        (Some(seed), true) => {
            let code = crate::totp::code_at(&seed.key, now).unwrap_or_default();
            format!(
                "on <code class=\"totp-code\">{}</code>{pending}",
                escape(&code)
            )
        }
    }
}

/// A tenant's SSO settings in a line: `saml: acme.com (https://idp.acme.com/sso)`, or `none`.
fn sso_summary(tenant: &crate::directory::Tenant) -> String {
    let Some(sso) = &tenant.sso else {
        return "none".into();
    };
    let idp = ["idpUrl", "authUrl", "name"]
        .iter()
        .find_map(|key| sso.settings.get(*key).and_then(serde_json::Value::as_str))
        .unwrap_or_default();
    format!("{}: {} ({idp})", sso.auth_type, sso.domains.join(", "))
}

/// The tenants with their members (and their roles there) and roles, then the project's roles
/// and permissions.
fn directory(app: &App) -> String {
    let store = app.store();
    let directory = &store.directory;
    let users = store.users_in_order();
    let mut tenants = String::new();
    for tenant in &directory.tenants {
        let members: Vec<String> = users
            .iter()
            .filter_map(|u| {
                let membership = u.tenants.iter().find(|t| t.tenant_id == tenant.id)?;
                let login = u
                    .login_ids
                    .first()
                    .map(String::as_str)
                    .unwrap_or(&u.user_id);
                Some(if membership.roles.is_empty() {
                    login.to_owned()
                } else {
                    format!("{login} ({})", membership.roles.join(", "))
                })
            })
            .collect();
        let roles: Vec<&str> = directory
            .roles
            .iter()
            .filter(|r| r.tenant_id.as_deref() == Some(tenant.id.as_str()))
            .map(|r| r.name.as_str())
            .collect();
        tenants.push_str(&format!(
            "<tr data-tenant-id=\"{id}\"><td class=\"tenant-id\">{id}</td>\
             <td class=\"name\">{name}</td><td class=\"domains\">{domains}</td>\
             <td class=\"sso\">{sso}</td>\
             <td class=\"members\">{members}</td><td class=\"roles\">{roles}</td></tr>",
            id = escape(&tenant.id),
            name = escape(&tenant.name),
            domains = escape(&tenant.self_provisioning_domains.join(", ")),
            sso = escape(&sso_summary(tenant)),
            members = escape(&members.join("; ")),
            roles = escape(&roles.join(", ")),
        ));
    }
    let mut roles = String::new();
    for role in &directory.roles {
        roles.push_str(&format!(
            "<tr><td class=\"name\">{}</td><td class=\"tenant\">{}</td>\
             <td class=\"permissions\">{}</td><td class=\"description\">{}</td></tr>",
            escape(&role.name),
            escape(role.tenant_id.as_deref().unwrap_or("project")),
            escape(&role.permission_names.join(", ")),
            escape(&role.description),
        ));
    }
    let mut permissions = String::new();
    for permission in &directory.permissions {
        permissions.push_str(&format!(
            "<tr><td class=\"name\">{}</td><td class=\"description\">{}</td></tr>",
            escape(&permission.name),
            escape(&permission.description),
        ));
    }
    format!(
        "<h2>Tenants</h2><table id=\"tenants\"><thead><tr><th>ID</th><th>Name</th>\
         <th>Domains</th><th>SSO</th><th>Members (roles)</th><th>Tenant roles</th></tr></thead>\
         <tbody>{tenants}</tbody></table>\
         <h2>Roles</h2><table id=\"roles\"><thead><tr><th>Name</th><th>Scope</th>\
         <th>Permissions</th><th>Description</th></tr></thead><tbody>{roles}</tbody></table>\
         <h2>Permissions</h2><table id=\"permissions\"><thead><tr><th>Name</th>\
         <th>Description</th></tr></thead><tbody>{permissions}</tbody></table>"
    )
}

/// An outbox link: a link only when it is an `http(s)` URL (the emulator refuses others, but
/// a state file or an import could hold anything), else its text.
fn outbox_link(url: &str) -> String {
    if crate::is_web_url(url) {
        format!("<a class=\"outbox-link\" href=\"{0}\">{0}</a>", escape(url))
    } else {
        format!("<code class=\"outbox-link\">{}</code>", escape(url))
    }
}

fn outbox(app: &App, viewer: Viewer) -> String {
    let local = viewer == Viewer::Local;
    let messages = app.outbox().all();
    let mut rows = String::new();
    for message in messages.iter().rev() {
        let hidden = || "<span class=\"muted\">(shown to loopback peers only)</span>".to_owned();
        let link = match (&message.link, local) {
            (Some(link), true) => outbox_link(link),
            (Some(_), false) => hidden(),
            (None, _) => String::new(),
        };
        let code = match (&message.code, local) {
            (Some(code), true) => format!("<code class=\"outbox-code\">{}</code>", escape(code)),
            (Some(_), false) => hidden(),
            (None, _) => String::new(),
        };
        let link_id = message
            .link_id
            .as_deref()
            .map(|id| format!(" <span class=\"muted\">(link {})</span>", escape(id)))
            .unwrap_or_default();
        rows.push_str(&format!(
            "<tr><td class=\"to\">{}</td><td class=\"method\">{}</td>\
             <td class=\"delivery\">{}</td><td class=\"purpose\">{}</td>\
             <td class=\"time\">{}</td><td>{link}{code}{link_id}</td></tr>",
            escape(&message.to),
            message.method.as_str(),
            message.delivery.as_str(),
            serde_json::to_value(message.purpose)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            utc(message.time),
        ));
    }
    let table = format!(
        "<h2>Outbox</h2><p class=\"muted\">Codes and links the emulator \"sent\" (no email \
         leaves the machine), newest first.</p><table id=\"outbox\"><thead><tr><th>To</th>\
         <th>Method</th><th>Delivery</th><th>Purpose</th><th>Time</th><th>Link or code</th></tr></thead>\
         <tbody>{rows}</tbody></table>"
    );
    if !local {
        return table;
    }
    format!(
        "{table}<form id=\"clear-outbox\" method=\"post\" action=\"/emulator/v1/console/outbox/clear\">\
         <button type=\"submit\">Empty the outbox</button></form>"
    )
}

fn settings(app: &App) -> String {
    let options = &app.options;
    let state = app
        .persister
        .as_ref()
        .map(|p| p.path.display().to_string())
        .unwrap_or_else(|| "none (memory only)".into());
    let rows = [
        ("Project ID", options.project_id.clone()),
        ("Base URL", app.base_url.clone()),
        ("Reset method", options.reset_method.as_str().to_owned()),
        (
            "Session TTL",
            format!("{} s", options.session_ttl.as_secs()),
        ),
        (
            "Refresh TTL",
            format!("{} s", options.refresh_ttl.as_secs()),
        ),
        (
            "Refresh-token rotation",
            options.rotate_refresh_tokens.to_string(),
        ),
        (
            "Hash cost",
            format!("{:?}", options.hash_cost).to_lowercase(),
        ),
        ("State file", state),
    ];
    let mut out = String::from("<h2>Settings</h2><table id=\"settings\"><tbody>");
    for (name, value) in rows {
        out.push_str(&format!(
            "<tr><th>{name}</th><td>{}</td></tr>",
            escape(&value)
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// The whole console; read-only, without codes or links, for a [`Viewer::Remote`].
pub(crate) fn render(app: &App, viewer: Viewer) -> String {
    let reset = match viewer {
        Viewer::Local => {
            "<h2>Reset</h2>\
             <form id=\"reset-all\" method=\"post\" action=\"/emulator/v1/console/reset\">\
             <button type=\"submit\">Reset all data</button> <span class=\"muted\">users, \
             sessions, codes and the outbox (the signing keys stay)</span></form>"
        }
        Viewer::Remote => {
            "<p class=\"muted\" id=\"read-only\">Read-only: codes, links and actions are for \
             loopback peers.</p>"
        }
    };
    document(
        "Descope emulator",
        &format!(
            "{}{}{}{}{reset}",
            users(app, viewer),
            directory(app),
            outbox(app, viewer),
            settings(app)
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::utc(1_795_947_682), "2026-11-29 10:21:22 UTC");
    }
}

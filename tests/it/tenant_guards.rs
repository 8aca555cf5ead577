//! Tenant-scoped guards in tower, axum and actix: a role or a permission in the tenant the
//! request names (a path segment, a header or the selected tenant), 401 without a session,
//! 403 without the role, and the handler's `TenantAccess`. The claims come from the session
//! JWT, as the emulator issues them from its tenants and roles.

use std::convert::Infallible;
use std::future::Ready;
use std::task::{Context, Poll};

use descope::tower::{RequireSession, SessionLayer, TenantAccess, TenantFrom};
use descope::Client;
use descope_emulator::{Emulator, HashCost};
use http::{Request, Response};
use serde_json::Value;
use tower_layer::Layer;
use tower_service::Service;

const PASSWORD: &str = "Correct-Horse-1";

/// Tokens of three users: alice is `admin` in T1; bob is a `writer` in T2 (with `docs.write`);
/// carol belongs to no tenant. Bob's second token has T2 selected (`dct`).
struct Fixture {
    emulator: Emulator,
    client: Client,
    alice: String,
    bob: String,
    bob_selected: String,
    carol: String,
}

async fn fixture() -> Fixture {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("K2guards")
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let management = client.management();
    management.tenants().create("One").id("T1").await.unwrap();
    management.tenants().create("Two").id("T2").await.unwrap();
    management.permissions().create("docs.write").await.unwrap();
    management
        .roles()
        .create("admin")
        .tenant("T1")
        .await
        .unwrap();
    management
        .roles()
        .create("writer")
        .tenant("T2")
        .permission("docs.write")
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for (login, tenant, role) in [
        ("alice@example.com", Some("T1"), "admin"),
        ("bob@example.com", Some("T2"), "writer"),
        ("carol@example.com", None, ""),
    ] {
        let auth = client.password().sign_up(login, PASSWORD).await.unwrap();
        if let Some(tenant) = tenant {
            management
                .users()
                .add_tenant_roles(login, tenant, [role])
                .await
                .unwrap();
        }
        let auth = match tenant {
            Some(_) => client.password().sign_in(login, PASSWORD).await.unwrap(),
            None => auth,
        };
        tokens.push(auth);
    }
    let selected = client
        .sessions()
        .select_tenant("T2", &tokens[1].refresh_jwt)
        .await
        .unwrap();
    let token = |i: usize| tokens[i].session_jwt.secret().to_owned();
    Fixture {
        alice: token(0),
        bob: token(1),
        carol: token(2),
        bob_selected: selected.session_jwt.secret().to_owned(),
        emulator,
        client,
    }
}

/// A tower service that answers with the tenant access its guard found.
#[derive(Clone)]
struct Echo;

impl Service<Request<()>> for Echo {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        let access = request.extensions().get::<TenantAccess>();
        let body = access.map_or_else(String::new, |a| format!("{} {:?}", a.tenant_id, a.roles));
        std::future::ready(Ok(Response::new(body)))
    }
}

async fn tower_call(
    service: &mut (impl Service<Request<()>, Response = Response<String>, Error = Infallible> + Clone),
    path: &str,
    token: Option<&str>,
    tenant_header: Option<&str>,
) -> (u16, String) {
    std::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .unwrap();
    let mut request = Request::builder().uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(tenant) = tenant_header {
        request = request.header("x-tenant-id", tenant);
    }
    let response = service.call(request.body(()).unwrap()).await.unwrap();
    (response.status().as_u16(), response.into_body())
}

#[tokio::test]
async fn tower_guards_a_role_or_permission_in_the_tenant_the_request_names() {
    let f = fixture().await;
    let layer = SessionLayer::new(f.client.clone());
    let mut by_path = layer
        .clone()
        .layer(RequireSession::role_in(TenantFrom::PathSegment(1), "admin").layer(Echo));
    let mut by_header = layer.clone().layer(
        RequireSession::permission_in(TenantFrom::Header("x-tenant-id".into()), "docs.write")
            .layer(Echo),
    );
    let mut selected = layer
        .clone()
        .layer(RequireSession::member_of(TenantFrom::Selected).layer(Echo));

    let (status, body) = tower_call(&mut by_path, "/tenants/T1/users", Some(&f.alice), None).await;
    assert_eq!((status, body.as_str()), (200, "T1 [\"admin\"]"));
    // The same role elsewhere, or another user, or no session.
    assert_eq!(
        tower_call(&mut by_path, "/tenants/T2/users", Some(&f.alice), None)
            .await
            .0,
        403
    );
    assert_eq!(
        tower_call(&mut by_path, "/tenants/T1/users", Some(&f.bob), None)
            .await
            .0,
        403
    );
    assert_eq!(
        tower_call(&mut by_path, "/tenants/T1/users", None, None)
            .await
            .0,
        401
    );
    // A path without the segment names no tenant.
    let (status, body) = tower_call(&mut by_path, "/tenants", Some(&f.alice), None).await;
    assert_eq!(status, 403);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["message"], "the request names no tenant");

    let (status, body) = tower_call(&mut by_header, "/docs", Some(&f.bob), Some("T2")).await;
    assert_eq!((status, body.as_str()), (200, "T2 [\"writer\"]"));
    assert_eq!(
        tower_call(&mut by_header, "/docs", Some(&f.bob), Some("T1"))
            .await
            .0,
        403
    );
    assert_eq!(
        tower_call(&mut by_header, "/docs", Some(&f.bob), None)
            .await
            .0,
        403
    );
    assert_eq!(
        tower_call(&mut by_header, "/docs", Some(&f.carol), Some("T2"))
            .await
            .0,
        403
    );

    // The plain tower layer has no router: a named parameter names no tenant there.
    let mut by_name = layer.clone().layer(
        RequireSession::role_in(TenantFrom::PathParam("tenant".into()), "admin").layer(Echo),
    );
    let (status, _) = tower_call(&mut by_name, "/tenants/T1", Some(&f.alice), None).await;
    assert_eq!(status, 403);
    assert_eq!(
        tower_call(&mut selected, "/", Some(&f.bob_selected), None)
            .await
            .0,
        200
    );
    assert_eq!(
        tower_call(&mut selected, "/", Some(&f.bob), None).await.0,
        403
    );
    f.emulator.stop().await;
}

#[tokio::test]
async fn axum_routes_guard_by_tenant_and_hand_the_handler_its_access() {
    use axum::routing::get;
    use axum::Router;
    use descope::axum::refresh_session;

    async fn roles(access: TenantAccess) -> String {
        format!("{} {}", access.tenant_id, access.roles.join(","))
    }
    let f = fixture().await;
    let app =
        Router::new()
            .route("/tenants/{tenant}/users", get(roles))
            .route_layer(RequireSession::role_in(TenantFrom::PathSegment(1), "admin"))
            .merge(Router::new().route("/docs", get(roles)).route_layer(
                RequireSession::permission_in(
                    TenantFrom::Header("x-tenant-id".into()),
                    "docs.write",
                ),
            ))
            .merge(
                Router::new()
                    .route("/orgs/{org}/settings", get(roles))
                    .route_layer(RequireSession::role_in(
                        TenantFrom::PathParam("org".into()),
                        "admin",
                    )),
            )
            .route("/unguarded", get(roles))
            .layer(axum::middleware::from_fn_with_state(
                f.client.clone(),
                refresh_session,
            ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let get = |path: &str, token: &str, tenant: Option<&str>| {
        let mut request = http
            .get(format!("{base}{path}"))
            .header("cookie", format!("DS={token}"));
        if let Some(tenant) = tenant {
            request = request.header("x-tenant-id", tenant);
        }
        request.send()
    };
    let ok = get("/tenants/T1/users", &f.alice, None).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "T1 admin");
    assert_eq!(
        get("/tenants/T2/users", &f.alice, None)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        get("/tenants/T1/users", "", None).await.unwrap().status(),
        401
    );
    let ok = get("/docs", &f.bob, Some("T2")).await.unwrap();
    assert_eq!(ok.text().await.unwrap(), "T2 writer");
    assert_eq!(
        get("/docs", &f.alice, Some("T1")).await.unwrap().status(),
        403
    );
    // By the route's parameter name.
    let ok = get("/orgs/T1/settings", &f.alice, None).await.unwrap();
    assert_eq!(ok.text().await.unwrap(), "T1 admin");
    let other = get("/orgs/T2/settings", &f.alice, None).await.unwrap();
    assert_eq!(other.status(), 403);
    // The extractor on a route without a tenant guard is a setup mistake: 500, never a pass.
    assert_eq!(
        get("/unguarded", &f.alice, None).await.unwrap().status(),
        500
    );
    f.emulator.stop().await;
}

#[tokio::test]
async fn actix_routes_guard_by_tenant_and_hand_the_handler_its_access() {
    use actix_web::middleware::from_fn;
    use actix_web::{web, App, HttpServer};
    use descope::actix::refresh_session;

    async fn roles(access: descope::actix::TenantAccess) -> String {
        format!("{} {}", access.tenant_id, access.permissions.join(","))
    }
    let f = fixture().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app_client = f.client.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(app_client.clone()))
            .service(
                web::scope("/tenants/{tenant}")
                    .wrap(descope::actix::RequireSession::permission_in(
                        descope::actix::TenantFrom::PathSegment(1),
                        "docs.write",
                    ))
                    .route("/docs", web::get().to(roles)),
            )
            .service(
                web::scope("/orgs/{org}")
                    .wrap(descope::actix::RequireSession::permission_in(
                        descope::actix::TenantFrom::PathParam("org".into()),
                        "docs.write",
                    ))
                    .route("/docs", web::get().to(roles)),
            )
            .service(
                web::scope("/selected")
                    .wrap(descope::actix::RequireSession::member_of(
                        descope::actix::TenantFrom::Selected,
                    ))
                    .route("", web::get().to(roles)),
            )
            .route("/unguarded", web::get().to(roles))
            .wrap(from_fn(refresh_session))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    let http = reqwest::Client::new();
    let get = |path: &str, token: &str| {
        http.get(format!("{base}{path}"))
            .header("cookie", format!("DS={token}"))
            .send()
    };
    let ok = get("/tenants/T2/docs", &f.bob).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "T2 docs.write");
    assert_eq!(get("/tenants/T1/docs", &f.bob).await.unwrap().status(), 403);
    assert_eq!(
        get("/tenants/T1/docs", &f.alice).await.unwrap().status(),
        403
    );
    assert_eq!(get("/tenants/T2/docs", "").await.unwrap().status(), 401);
    let ok = get("/orgs/T2/docs", &f.bob).await.unwrap();
    assert_eq!(ok.text().await.unwrap(), "T2 docs.write");
    assert_eq!(get("/orgs/T1/docs", &f.bob).await.unwrap().status(), 403);
    assert_eq!(
        get("/selected", &f.bob_selected).await.unwrap().status(),
        200
    );
    assert_eq!(get("/selected", &f.carol).await.unwrap().status(), 403);
    assert_eq!(get("/unguarded", &f.alice).await.unwrap().status(), 500);
    f.emulator.stop().await;
}

//! The accept loop: HTTP/1.1 with a header-read timeout (a client that never finishes its
//! headers is disconnected), and a shutdown that waits for requests in flight only until a
//! deadline, so a stalled client can never keep the emulator from stopping (and saving).

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long a client may take to send its request headers, by default.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stop waits for requests in flight before closing their connections.
pub(crate) const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(5);

/// The address a request came from (for `me/history`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub(crate) std::net::SocketAddr);

/// Serves `router` on `listener` until `stop` resolves, then shuts down within the deadline.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else {
                    // Out of file descriptors and the like: back off briefly, keep serving.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let service = TowerToHyperService::new(
                    router.clone().layer(axum::Extension(Peer(peer))),
                );
                let connection = builder.serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                // Forget finished connections, so the set stays as large as the open ones.
                while connections.try_join_next().is_some() {}
                connections.spawn(async move {
                    let _ = connection.await;
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    // Idle keep-alive connections close at once; busy ones finish their request, or are
    // dropped at the deadline.
    let _ = tokio::time::timeout(SHUTDOWN_DEADLINE, graceful.shutdown()).await;
    connections.abort_all();
}

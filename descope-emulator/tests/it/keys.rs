//! Signing keys: emulators in one process reuse one development key pair under their own `kid`s
//! (fast starts) without accepting each other's tokens; a fresh key pair on request.

use descope_emulator::{Emulator, HashCost};

const PASSWORD: &str = "Emul4tor-Passw0rd";

async fn start(fresh: bool) -> Emulator {
    Emulator::builder()
        .project_id("P2keys")
        .hash_cost(HashCost::Fast)
        .fresh_signing_key(fresh)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn emulators_share_the_process_key_pair_under_their_own_kids_and_refuse_each_others_tokens() {
    let (a, b) = (start(false).await, start(false).await);
    let (client_a, client_b) = (a.client().unwrap(), b.client().unwrap());
    let keys_a = client_a.sessions().keys().await.unwrap();
    let keys_b = client_b.sessions().keys().await.unwrap();
    assert_eq!((keys_a.len(), keys_b.len()), (1, 1));
    assert_eq!(keys_a[0].n, keys_b[0].n, "one key pair per process");
    assert_ne!(keys_a[0].kid, keys_b[0].kid, "a kid per emulator");
    assert_eq!(keys_a[0].alg.as_deref(), Some("RS256"));

    let auth = client_a
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    client_a
        .sessions()
        .validate(&auth.session_jwt)
        .await
        .unwrap();
    let refused = client_b
        .sessions()
        .validate(&auth.session_jwt)
        .await
        .unwrap_err();
    assert!(refused.session().is_some(), "{refused:?}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_fresh_signing_key_is_a_new_key_pair() {
    let (shared, fresh) = (start(false).await, start(true).await);
    let shared_keys = shared.client().unwrap().sessions().keys().await.unwrap();
    let fresh_keys = fresh.client().unwrap().sessions().keys().await.unwrap();
    assert_ne!(shared_keys[0].n, fresh_keys[0].n);
    assert!(fresh_keys[0].n.as_deref().is_some_and(|n| n.len() >= 342));
    shared.stop().await;
    fresh.stop().await;
}

async fn start_cached(path: &std::path::Path) -> Emulator {
    Emulator::builder()
        .project_id("P2keys")
        .hash_cost(HashCost::Fast)
        .fresh_signing_key(true) // the cache takes precedence
        .signing_key_cache(path)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_signing_key_cache_keeps_one_key_pair_across_starts_and_replaces_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("dev-key.der");
    let first = start_cached(&path).await;
    let written = std::fs::read(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a private key file is the owner's only"
        );
    }
    let second = start_cached(&path).await;
    let keys = |e: &Emulator| {
        let client = e.client().unwrap();
        async move { client.sessions().keys().await.unwrap() }
    };
    let (a, b) = (keys(&first).await, keys(&second).await);
    assert_eq!(a[0].n, b[0].n, "the cached key pair");
    assert_ne!(a[0].kid, b[0].kid, "a kid per start");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        written,
        "the cache is not rewritten"
    );
    // Tokens of one start still validate only against their own start's key set.
    let auth = first
        .client()
        .unwrap()
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let refused = second
        .client()
        .unwrap()
        .sessions()
        .validate(&auth.session_jwt)
        .await;
    assert!(refused.is_err());
    // A broken file is replaced by a new key pair.
    std::fs::write(&path, b"not a key").unwrap();
    let third = start_cached(&path).await;
    let c = keys(&third).await;
    assert_ne!(c[0].n, a[0].n);
    assert_ne!(std::fs::read(&path).unwrap(), b"not a key");
    for e in [first, second, third] {
        e.stop().await;
    }
}

#[test]
fn the_default_key_cache_follows_xdg_then_home() {
    use descope_emulator::default_signing_key_cache as cache;
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let xdg = cache(env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")])).unwrap();
    assert_eq!(
        xdg,
        std::path::Path::new("/x/descope-emulator/dev-signing-key.der")
    );
    let home = cache(env(&[("XDG_CACHE_HOME", ""), ("HOME", "/h")])).unwrap();
    assert_eq!(
        home,
        std::path::Path::new("/h/.cache/descope-emulator/dev-signing-key.der")
    );
    assert!(cache(env(&[])).is_none());
}

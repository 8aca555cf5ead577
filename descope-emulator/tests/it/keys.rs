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
